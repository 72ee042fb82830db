import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Synchronization

/// Keeps what a run reports, for a test to check afterwards: the stages in the order they started, every
/// finished call, the line numbers of skipped dataset rows and every finished instance. Safe to call from
/// the many tasks of a stage at once.
///
/// ```swift
/// let observer = RecordingObserver()
/// _ = try await Runner(pipeline: p, dataset: p.datasetReader, connector: c, store: s, observer: observer).run(options)
/// #expect(observer.stages == [.expert, .aggregator])
/// ```
public final class RecordingObserver: RunObserver {
    private struct Record {
        var steps: [PlanStep] = []
        var groups: [[String]] = []
        var calls: [CallRecord] = []
        var skippedLines: [Int] = []
        var results: [InstanceResult] = []
    }

    private let record = Mutex(Record())

    public init() {}

    /// The stages, in the order they started (a stage with rounds once per round).
    public var stages: [Stage] { steps.map(\.stage) }
    /// The steps (stages and rounds), in the order they started.
    public var steps: [PlanStep] { record.withLock { $0.steps } }
    /// The models each step's groups ran on, in order, one list per step.
    public var groups: [[String]] { record.withLock { $0.groups } }
    /// Every finished call, in the order they finished.
    public var calls: [CallRecord] { record.withLock { $0.calls } }
    /// The line numbers of the dataset rows that were skipped.
    public var skippedLines: [Int] { record.withLock { $0.skippedLines } }
    /// Every finished instance, in the order they finished.
    public var results: [InstanceResult] { record.withLock { $0.results } }

    public func runStarted(id: String, instances: Int) {}
    public func alreadyDone(_ count: Int) {}
    public func skipped(_ problem: Diagnostic) { record.withLock { $0.skippedLines.append(problem.line) } }
    public func stageStarted(_ step: PlanStep, calls: Int) {
        record.withLock {
            $0.steps.append(step)
            $0.groups.append([])
        }
    }

    public func loading(model: String) { record.withLock { if !$0.groups.isEmpty { $0.groups[$0.groups.count - 1].append(model) } } }
    public func callFinished(_ call: CallRecord) { record.withLock { $0.calls.append(call) } }
    public func instanceFinished(_ result: InstanceResult) { record.withLock { $0.results.append(result) } }
}
