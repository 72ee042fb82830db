import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// Runs a pipeline over its dataset, streamed in windows of instances. In each window every stage runs
/// across all its instances at once: the expert calls, grouped by model by the `BatchPlanner` so each
/// model loads at most once per stage under the resident budget, then the aggregator calls. Every
/// decision, call and result is written to the store as soon as it exists; a run started again with the
/// same id reuses the decisions and never repeats a successful call. A failed call is recorded with its
/// error and the run goes on; an instance whose calls all failed is marked failed with the reason.
///
/// ```swift
/// let runner = Runner(pipeline: pipeline, dataset: DatasetReader(url: pipeline.spec.dataset),
///                     connector: connector, store: store, observer: observer)
/// let summary = try await runner.run(RunOptions(runID: "r1", outputDirectory: URL(fileURLWithPath: "runs/r1")))
/// ```
public struct Runner: Sendable {
    public let pipeline: LoadedPipeline
    /// The instances to answer (the pipeline's `dataset`, read by ConclaveConfig's `DatasetReader`).
    public let dataset: any DatasetSource
    public let connector: any ExpertConnector
    public let store: any RunStore
    public let observer: any RunObserver

    public init(
        pipeline: LoadedPipeline,
        dataset: any DatasetSource,
        connector: any ExpertConnector,
        store: any RunStore,
        observer: any RunObserver
    ) {
        self.pipeline = pipeline
        self.dataset = dataset
        self.connector = connector
        self.store = store
        self.observer = observer
    }

    public func run(_ options: RunOptions) async throws -> RunSummary {
        let started = ContinuousClock.now
        let spec = pipeline.spec
        try await checkResumable(options.runID)
        let resuming =
            try await store.beginRun(
                RunInfo(
                    id: options.runID,
                    pipeline: spec.name,
                    pipelinePath: spec.file.path,
                    dataset: spec.dataset.path,
                    status: .running,
                    createdAt: Date()
                )
            ).instances > 0
        let reader = dataset
        observer.runStarted(id: options.runID, instances: min(try reader.instanceCount(), options.limit ?? .max))
        var session = RunSession(
            pipeline: pipeline,
            connector: connector,
            store: store,
            observer: observer,
            runID: options.runID,
            mode: options.mode,
            stop: options.stop,
            spent: spec.budget.isLimited ? try await store.spent(run: options.runID) : .zero
        )
        var skipped = 0
        do {
            var window: [(position: Int, instance: Instance)] = []
            var position = 0
            for row in try reader.rows() {
                if let limit = options.limit, position >= limit { break }
                switch row {
                case .invalid(let problem):
                    skipped += 1
                    observer.skipped(problem)
                case .instance(let instance):
                    window.append((position, instance))
                    position += 1
                    if window.count == spec.window {
                        try await session.process(window, resuming: resuming)
                        window.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !window.isEmpty { try await session.process(window, resuming: resuming) }
        } catch {
            try? await store.finishRun(
                options.runID,
                status: error is RunStopped || error is CancellationError ? .stopped : .failed,
                loads: session.loads,
                unloads: session.unloads
            )
            _ = try? await exportResults(options)
            throw error
        }
        try await store.finishRun(options.runID, status: .completed, loads: session.loads, unloads: session.unloads)
        let resultsFile = try await exportResults(options)
        var summary = RunSummary(run: try await store.run(options.runID)!)
        summary.skippedRows = skipped
        summary.modelLoads = session.loads
        summary.modelUnloads = session.unloads
        summary.serverRestarts = await connector.serverRestarts()
        summary.wallTime = ContinuousClock.now - started
        summary.resultsFile = resultsFile
        summary.budget = spec.budget
        summary.budgetRefusals = session.budget.refusals
        var ledger = ModeLedger()
        try await store.forEachResult(run: options.runID) { ledger.add($0) }
        summary.modes = ledger.accounts
        return summary
    }

    /// Writes every stored result of the run, in dataset order, to `results.jsonl`.
    @discardableResult
    private func exportResults(_ options: RunOptions) async throws -> URL {
        let writer = try ResultsWriter(url: options.outputDirectory.appendingPathComponent("results.jsonl"))
        try await store.forEachResultJSON(run: options.runID) { try writer.appendJSON($0) }
        return writer.url
    }
}

/// What a run does with each instance.
public enum RunMode: String, Sendable {
    /// Recruit a team, let it answer, aggregate (the pipeline's normal run).
    case answer
    /// Every expert of the registry answers once and nobody aggregates: the answers are graded one by one
    /// to measure the experts' profiles.
    case profile
}

/// What a run needs besides the pipeline: its id, how many instances, where results go, how to stop it.
public struct RunOptions: Sendable {
    public var runID: String
    public var limit: Int?
    public var outputDirectory: URL
    public var mode: RunMode
    public var stop: StopSignal

    public init(runID: String, limit: Int? = nil, outputDirectory: URL, mode: RunMode = .answer, stop: StopSignal = StopSignal()) {
        self.runID = runID
        self.limit = limit
        self.outputDirectory = outputDirectory
        self.mode = mode
        self.stop = stop
    }

    /// A new run id: the date and time, and a random suffix (`20261122-231502-4f9c`).
    public static func newRunID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: now) + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }
}

extension RunSummary {
    /// The totals the store holds for a run (across every session of it).
    init(run: RunInfo) {
        self.init()
        instances = run.answered + run.failed
        answered = run.answered
        failed = run.failed
        graded = run.graded
        correct = run.correct
        calls = run.calls
        failedCalls = run.failedCalls
        cost = run.cost
        inputTokens = run.inputTokens
        outputTokens = run.outputTokens
    }
}
