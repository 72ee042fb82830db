import ConclaveCore
import ConclaveStore
import Foundation
import Synchronization

/// Answers instances one request at a time (the OpenAI-compatible endpoint): each is decided, run and
/// aggregated through the same run session as `conclave run`, and stored under one run per pipeline, so
/// `runs show` and `decisions show` work on what the endpoint answered. A request's decision, calls and
/// result are written together when it is done (one transaction), since a request is never resumed.
///
/// ```swift
/// let answerer = InstanceAnswerer(pipeline: loaded, connector: connector, store: store, runID: "gateway-quickstart")
/// let answered = try await answerer.answer(Instance(id: "chatcmpl-1", text: "What is 6 × 7?"))
/// print(answered.result.finalAnswer ?? answered.result.failureReason ?? "")
/// ```
public final class InstanceAnswerer: Sendable {
    public let pipeline: LoadedPipeline
    public let runID: String
    let connector: any ExpertConnector
    let store: any RunStore
    let observer: any RunObserver
    /// Decides every instance: built once, as the pipeline describes it, for all the answers.
    public let decider: DecisionMaker
    /// Whether the run exists in the store (begun once, by the first answer).
    private let begun = Mutex(false)
    /// Positions in the run: answers are listed in the order they were asked.
    private let nextPosition: Mutex<Int>

    public init(
        pipeline: LoadedPipeline,
        connector: any ExpertConnector,
        store: any RunStore,
        observer: any RunObserver = SilentObserver(),
        runID: String
    ) {
        self.pipeline = pipeline
        self.connector = connector
        self.store = store
        self.observer = observer
        self.runID = runID
        decider = DecisionMaker(pipeline: pipeline)
        // Seconds since 2020 keep positions increasing across restarts and inside a 32-bit column.
        nextPosition = Mutex(Int(Date().timeIntervalSince1970 - 1_577_836_800) * 16)
    }

    /// Begins the run in the store the first time (a restarted server continues the same run).
    public func beginRun() async throws {
        if begun.withLock({ $0 }) { return }
        _ = try await store.beginRun(
            RunInfo(
                id: runID,
                pipeline: pipeline.spec.name,
                pipelinePath: pipeline.spec.file.path,
                dataset: "requests",
                status: .running,
                createdAt: Date()
            )
        )
        begun.withLock { $0 = true }
    }

    /// The next position of the run (for results recorded outside a run session).
    public func position() -> Int {
        nextPosition.withLock { value in
            defer { value += 1 }
            return value
        }
    }

    /// An instance's result and the decision it was run with, as stored.
    public struct Answered: Sendable {
        public var result: InstanceResult
        public var decision: Decision
    }

    /// Decides, runs and aggregates `instance` (its id must be new to the run); its decision, calls and
    /// result are in the store when this returns. With `onDelta`, the call the final answer comes from (the
    /// aggregator's, or the last agent's) is streamed, its text handed over piece by piece as generated.
    public func answer(_ instance: Instance, onDelta: (@Sendable (String) async -> Void)? = nil) async throws -> Answered {
        try await beginRun()
        var session = RunSession(
            pipeline: pipeline,
            connector: connector,
            store: store,
            observer: observer,
            runID: runID,
            mode: .answer,
            stop: StopSignal(),
            decider: decider,
            persistence: .whenDone
        )
        if let onDelta { session.finalDeltas = { _, delta in await onDelta(delta) } }
        let processed = try await session.process([(position(), instance)], resuming: false)
        guard let result = processed.results.first?.result, let decision = processed.decisions[instance.id] else {
            throw MissingResult(instanceID: instance.id)
        }
        return Answered(result: result, decision: decision)
    }

    /// A run session finished without a result for the instance it was given.
    public struct MissingResult: Error, CustomStringConvertible {
        public var instanceID: String
        public var description: String { "no result was recorded for \(instanceID)" }
    }
}
