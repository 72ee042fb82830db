import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The service's metrics, recorded through swift-metrics into its own Prometheus registry (no global
/// bootstrap, so several servers can live in one process) and served at `/metrics` in Prometheus's text
/// format. As a `RunObserver` it counts what the workers do: calls by expert and outcome with their
/// latency, tokens and cost, instances by outcome, and model loads; the queue's figures are read when
/// scraped.
///
/// ```swift
/// let metrics = ServiceMetrics()
/// metrics.jobSubmitted(pipeline: "quickstart")
/// let text = try await metrics.exposition(queue: queue)   // "# TYPE conclave_jobs_submitted_total counter\n…"
/// ```
public final class ServiceMetrics: RunObserver, Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let completions: Handles<Completion, Metrics.Counter>
    private let completionSeconds: Handles<String, Metrics.Timer>
    private let calls: Handles<CallOutcome, Metrics.Counter>
    private let callSeconds: Handles<String, Metrics.Timer>
    private let instances: Handles<String, Metrics.Counter>
    private let inputTokens: Metrics.Counter
    private let outputTokens: Metrics.Counter
    private let cost: Metrics.FloatingPointCounter
    private let jobsSubmitted: Handles<String, Metrics.Counter>
    private let modelLoads: Handles<String, Metrics.Counter>

    public init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        completions = Handles { key in
            Metrics.Counter(
                label: "conclave_chat_completions_total",
                dimensions: [("pipeline", key.pipeline), ("path", key.path), ("status", String(key.status))],
                factory: factory
            )
        }
        completionSeconds = Handles { Metrics.Timer(label: "conclave_chat_completion_seconds", dimensions: [("path", $0)], factory: factory) }
        calls = Handles { key in
            Metrics.Counter(
                label: "conclave_calls_total",
                dimensions: [("expert", key.expert), ("outcome", key.succeeded ? "ok" : "failed")],
                factory: factory
            )
        }
        callSeconds = Handles { Metrics.Timer(label: "conclave_call_latency_seconds", dimensions: [("expert", $0)], factory: factory) }
        instances = Handles { Metrics.Counter(label: "conclave_instances_total", dimensions: [("outcome", $0)], factory: factory) }
        inputTokens = Metrics.Counter(label: "conclave_tokens_total", dimensions: [("direction", "input")], factory: factory)
        outputTokens = Metrics.Counter(label: "conclave_tokens_total", dimensions: [("direction", "output")], factory: factory)
        cost = Metrics.FloatingPointCounter(label: "conclave_cost_total", factory: factory)
        jobsSubmitted = Handles { Metrics.Counter(label: "conclave_jobs_submitted_total", dimensions: [("pipeline", $0)], factory: factory) }
        modelLoads = Handles { Metrics.Counter(label: "conclave_model_loads_total", dimensions: [("model", $0)], factory: factory) }
    }

    /// A request to `/v1/chat/completions`: its pipeline, whether it was forwarded or recruited, its status
    /// and how long Conclave took to answer (to the first byte, for a stream).
    public func chatCompletion(pipeline: String, path: String, status: Int, seconds: Double) {
        completions[Completion(pipeline: pipeline, path: path, status: status)].increment()
        completionSeconds[path].recordSeconds(seconds)
    }

    public func jobSubmitted(pipeline: String) {
        jobsSubmitted[pipeline].increment()
    }

    public func callFinished(_ call: CallRecord) {
        calls[CallOutcome(expert: call.expert, succeeded: call.succeeded)].increment()
        callSeconds[call.expert].recordNanoseconds(Int64(call.latencyMs * 1_000_000))
        inputTokens.increment(by: call.inputTokens)
        outputTokens.increment(by: call.outputTokens)
        cost.increment(by: call.cost)
    }

    public func instanceFinished(_ result: InstanceResult) {
        instances[result.status.rawValue].increment()
    }

    public func loading(model: String) {}

    public func modelLoaded(_ model: String) {
        modelLoads[model].increment()
    }

    public func runStarted(id: String, instances: Int) {}
    public func alreadyDone(_ count: Int) {}
    public func skipped(_ problem: Diagnostic) {}
    public func stageStarted(_ step: PlanStep, calls: Int) {}

    /// The exposition text, after reading the queue's depth, lease expiries and jobs by status.
    public func exposition(queue: any JobQueue) async throws -> String {
        Gauge(label: "conclave_queue_depth", factory: factory).record(try await queue.pendingCount())
        Gauge(label: "conclave_lease_expiries", factory: factory).record(queue.expiredLeases)
        var byStatus: [JobInfo.Status: Int] = [:]
        for job in try await queue.jobs(status: nil, pipeline: nil, limit: 100_000) { byStatus[job.status, default: 0] += 1 }
        for status in JobInfo.Status.allCases {
            Gauge(label: "conclave_jobs", dimensions: [("status", status.rawValue)], factory: factory).record(byStatus[status] ?? 0)
        }
        return samples()
    }

    /// The exposition text of what has been recorded.
    func samples() -> String { registry.emitToString() }
}

/// The dimensions of a chat completion's counter.
private struct Completion: Hashable, Sendable {
    var pipeline: String
    var path: String
    var status: Int
}

/// The dimensions of a call's counter.
private struct CallOutcome: Hashable, Sendable {
    var expert: String
    var succeeded: Bool
}

/// Metric handles by the values of their dimensions, each made once: making one asks the registry (under
/// its lock, its names checked), which costs more than recording a value, and each forwarded request
/// records several.
private final class Handles<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let made = Mutex<[Key: Handle]>([:])
    private let make: @Sendable (Key) -> Handle

    init(_ make: @escaping @Sendable (Key) -> Handle) { self.make = make }

    subscript(key: Key) -> Handle {
        if let known = made.withLock({ $0[key] }) { return known }
        let handle = make(key)
        made.withLock { $0[key] = handle }
        return handle
    }
}
