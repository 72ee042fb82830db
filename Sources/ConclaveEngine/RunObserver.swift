import ConclaveCore
import ConclaveStore

/// Receives a run's events as they happen: for progress bars, logs and tests.
public protocol RunObserver: Sendable {
    /// The run starts (or resumes) with this many instances in its dataset (after `--limit`).
    func runStarted(id: String, instances: Int)
    /// Instances already answered by an earlier session of the same run.
    func alreadyDone(_ count: Int)
    /// A dataset line was skipped.
    func skipped(_ problem: Diagnostic)
    /// A step (a stage, or a round of the agents' stage) starts with this many calls.
    func stageStarted(_ step: PlanStep, calls: Int)
    /// A group of calls on a model is about to start (its model loaded first when it is not resident).
    func loading(model: String)
    /// A model that was not resident is loaded for the group about to start.
    func modelLoaded(_ model: String)
    /// One call finished (successfully or not); calls of a group report from several tasks at once.
    func callFinished(_ call: CallRecord)
    /// An instance has its final result.
    func instanceFinished(_ result: InstanceResult)
    /// Something went wrong that the run works around (for example, an unreachable embedding endpoint).
    func warning(_ message: String)
}

extension RunObserver {
    public func warning(_ message: String) {}
    public func modelLoaded(_ model: String) {}
}
