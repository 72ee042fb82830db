import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore

/// Answers every call at once with a fixed completion: a zero-latency backend, so a benchmark or a unit
/// test measures the engine and the store, not a model.
///
/// ```swift
/// let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: InstantConnector(),
///                     store: store, observer: SilentObserver())
/// ```
public struct InstantConnector: ExpertConnector {
    /// The backend every expert gets: "The answer is (A)." with 20 prompt and 6 completion tokens.
    public struct Instant: ChatBackend {
        public init() {}

        public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
            ChatCompletion(text: "The answer is (A).", inputTokens: 20, outputTokens: 6)
        }
    }

    public init() {}

    public func backend(for expert: Expert) async throws -> any ChatBackend { Instant() }
    public func unload(modelKey: String) async {}
    public func shutdown() async {}
}
