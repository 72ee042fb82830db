import ConclaveCore
import ConclaveEngine
import ConclaveLLM

/// Connects every expert to a `ReplayBackend` over recorded outcomes, matching the expert's model name
/// (`runtime.model`) to the matrix's models: a pipeline runs end to end, offline and instantly, on what
/// the models once answered.
///
/// ```swift
/// let connector = ReplayConnector(outcomes: ReplayOutcomes(matrix))
/// let summary = try await Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store,
///                               observer: observer).run(options)
/// ```
public struct ReplayConnector: ExpertConnector {
    public let outcomes: ReplayOutcomes

    public init(outcomes: ReplayOutcomes) { self.outcomes = outcomes }

    public func backend(for expert: Expert) async throws -> any ChatBackend { ReplayBackend(outcomes: outcomes) }
    public func unload(modelKey: String) async {}
    public func shutdown() async {}
}
