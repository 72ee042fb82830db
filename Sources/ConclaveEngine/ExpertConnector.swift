import ConclaveCore
import ConclaveLLM

/// The seam between the runner and the models: gives a ready backend for an expert (loading its model
/// first when Conclave manages it) and reports what is resident and how often models were loaded.
public protocol ExpertConnector: Sendable {
    /// A backend that answers for `expert`; loads the expert's model when it is not resident.
    func backend(for expert: Expert) async throws -> any ChatBackend
    /// Unloads the model with this key (`ExpertRuntime.modelKey`), if it is resident and managed.
    func unload(modelKey: String) async
    /// Stops everything the connector started. Called on every exit path.
    func shutdown() async
    /// A client for an embedding endpoint (the model extractor's last mapping step).
    func embeddings(_ endpoint: EmbeddingEndpoint) throws -> any EmbeddingBackend
    /// How many managed model servers died while loaded and were started again.
    func serverRestarts() async -> Int
    /// The OpenAI-compatible endpoint that answers for `expert` (loading its model first when Conclave
    /// manages it), for forwarding a request as it is; nil when the connector answers some other way.
    func endpoint(for expert: Expert) async throws -> ExpertEndpoint?
    /// Whether `endpoint(for:)` gives an endpoint for this expert.
    func forwards(_ expert: Expert) -> Bool
    /// The endpoint `endpoint(for:)` would give, when it can be had at once (nothing to load, nothing to
    /// wait for); nil otherwise. Lets a caller on an event loop forward without a task.
    func readyEndpoint(for expert: Expert) -> ExpertEndpoint?
}

extension ExpertConnector {
    public func serverRestarts() async -> Int { 0 }

    public func endpoint(for expert: Expert) async throws -> ExpertEndpoint? { nil }

    public func forwards(_ expert: Expert) -> Bool { false }

    public func readyEndpoint(for expert: Expert) -> ExpertEndpoint? { nil }

    public func embeddings(_ endpoint: EmbeddingEndpoint) throws -> any EmbeddingBackend {
        throw NoEmbeddings(endpoint: endpoint.baseURL)
    }
}

/// The connector cannot reach embedding endpoints.
public struct NoEmbeddings: Error, CustomStringConvertible {
    public var endpoint: String
    public var description: String { "this connector cannot reach the embedding endpoint \(endpoint)" }
}

/// Where an expert's chat completions are served: the base URL of its OpenAI-compatible API (a hosted
/// one, or the llama-server Conclave started for it), the model name that API expects, and its key.
public struct ExpertEndpoint: Sendable, Hashable {
    public var baseURL: String
    public var model: String
    public var apiKey: String?

    public init(baseURL: String, model: String, apiKey: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
    }
}
