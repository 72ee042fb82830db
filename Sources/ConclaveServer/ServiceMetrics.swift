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
    private let counters = Handles<Metrics.Counter>()
    private let timers = Handles<Metrics.Timer>()

    private let cost: Metrics.FloatingPointCounter

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
        cost = Metrics.FloatingPointCounter(label: "conclave_cost_total", factory: factory)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Counter {
        counters.handle(label, dimensions) { Metrics.Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Timer {
        timers.handle(label, dimensions) { Metrics.Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    /// A request to `/v1/chat/completions`: its pipeline, whether it was forwarded or recruited, its status
    /// and how long Conclave took to answer (to the first byte, for a stream).
    public func chatCompletion(pipeline: String, path: String, status: Int, seconds: Double) {
        counter("conclave_chat_completions_total", [("pipeline", pipeline), ("path", path), ("status", String(status))]).increment()
        timer("conclave_chat_completion_seconds", [("path", path)]).recordSeconds(seconds)
    }

    public func jobSubmitted(pipeline: String) {
        counter("conclave_jobs_submitted_total", [("pipeline", pipeline)]).increment()
    }

    public func callFinished(_ call: CallRecord) {
        let outcome = call.succeeded ? "ok" : "failed"
        counter("conclave_calls_total", [("expert", call.expert), ("outcome", outcome)]).increment()
        timer("conclave_call_latency_seconds", [("expert", call.expert)]).recordNanoseconds(Int64(call.latencyMs * 1_000_000))
        counter("conclave_tokens_total", [("direction", "input")]).increment(by: call.inputTokens)
        counter("conclave_tokens_total", [("direction", "output")]).increment(by: call.outputTokens)
        cost.increment(by: call.cost)
    }

    public func instanceFinished(_ result: InstanceResult) {
        counter("conclave_instances_total", [("outcome", result.status.rawValue)]).increment()
    }

    public func loading(model: String) {}

    public func modelLoaded(_ model: String) {
        counter("conclave_model_loads_total", [("model", model)]).increment()
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
        return registry.emitToString()
    }
}

/// Metric handles by label and dimensions, each made once: making one asks the registry (under its lock,
/// its names checked), which costs more than recording a value, and the forwarded requests record
/// several each.
private final class Handles<Handle: Sendable>: Sendable {
    private let made = Mutex<[[String]: Handle]>([:])

    func handle(_ label: String, _ dimensions: [(String, String)], make: () -> Handle) -> Handle {
        var key = [label]
        key.reserveCapacity(1 + 2 * dimensions.count)
        for (name, value) in dimensions { key += [name, value] }
        if let known = made.withLock({ $0[key] }) { return known }
        let handle = make()
        made.withLock { $0[key] = handle }
        return handle
    }
}
