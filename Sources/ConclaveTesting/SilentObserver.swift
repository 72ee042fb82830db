import ConclaveCore
import ConclaveEngine
import ConclaveStore

/// Swallows a run's events.
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
