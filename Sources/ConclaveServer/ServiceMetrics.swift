import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import Metrics
import Prometheus

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

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// A request to `/v1/chat/completions`: its pipeline, whether it was forwarded or recruited, its status
    /// and how long Conclave took to answer (to the first byte, for a stream).
    public func chatCompletion(pipeline: String, path: String, status: Int, seconds: Double) {
        Counter(
            label: "conclave_chat_completions_total",
            dimensions: [("pipeline", pipeline), ("path", path), ("status", String(status))],
            factory: factory
        )
        .increment()
        Timer(label: "conclave_chat_completion_seconds", dimensions: [("path", path)], factory: factory).recordSeconds(seconds)
    }

    public func jobSubmitted(pipeline: String) {
        Counter(label: "conclave_jobs_submitted_total", dimensions: [("pipeline", pipeline)], factory: factory).increment()
    }

    public func callFinished(_ call: CallRecord) {
        let outcome = call.succeeded ? "ok" : "failed"
        Counter(label: "conclave_calls_total", dimensions: [("expert", call.expert), ("outcome", outcome)], factory: factory).increment()
        Timer(label: "conclave_call_latency_seconds", dimensions: [("expert", call.expert)], factory: factory)
            .recordNanoseconds(Int64(call.latencyMs * 1_000_000))
        Counter(label: "conclave_tokens_total", dimensions: [("direction", "input")], factory: factory).increment(by: call.inputTokens)
        Counter(label: "conclave_tokens_total", dimensions: [("direction", "output")], factory: factory).increment(by: call.outputTokens)
        FloatingPointCounter(label: "conclave_cost_total", factory: factory).increment(by: call.cost)
    }

    public func instanceFinished(_ result: InstanceResult) {
        Counter(label: "conclave_instances_total", dimensions: [("outcome", result.status.rawValue)], factory: factory).increment()
    }

    public func loading(model: String) {}

    public func modelLoaded(_ model: String) {
        Counter(label: "conclave_model_loads_total", dimensions: [("model", model)], factory: factory).increment()
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
