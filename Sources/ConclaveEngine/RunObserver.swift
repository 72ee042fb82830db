import ConclaveConfig
import ConclaveStore

/// Receives a run's events as they happen: for progress bars, logs and tests.
public protocol RunObserver: Sendable {
    /// A dataset line was skipped.
    func skipped(_ problem: Diagnostic)
    /// A stage starts with this many calls.
    func stageStarted(_ stage: String, calls: Int)
    /// A model is about to be loaded for a group of calls.
    func loading(model: String)
    /// One call finished (successfully or not).
    func callFinished(_ call: CallRecord)
    /// An instance has its final result.
    func instanceFinished(_ result: InstanceResult)
}
