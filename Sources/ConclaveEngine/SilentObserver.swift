import ConclaveCore
import ConclaveStore

/// Swallows a run's events: for workers (whose progress is the queue's), benchmarks and tests.
public struct SilentObserver: RunObserver {
    public init() {}

    public func runStarted(id: String, instances: Int) {}
    public func alreadyDone(_ count: Int) {}
    public func skipped(_ problem: Diagnostic) {}
    public func stageStarted(_ step: PlanStep, calls: Int) {}
    public func loading(model: String) {}
    public func callFinished(_ call: CallRecord) {}
    public func instanceFinished(_ result: InstanceResult) {}
}
