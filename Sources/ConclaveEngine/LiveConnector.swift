import AsyncHTTPClient
import ConclaveCore
import ConclaveLLM
import Foundation
import Logging
import ServiceLifecycle

/// Connects experts to real models: llama.cpp experts through a managed `LlamaRuntime` (one server per
/// model, shared by the experts that use it), OpenAI-compatible experts directly over HTTP.
///
/// ```swift
/// let connector = try LiveConnector(registry: registry, environment: .current(), logDirectory: logs)
/// let backend = try await connector.backend(for: expert)
/// await connector.shutdown()
/// ```
///
/// The connector owns its HTTP client. In a `ServiceGroup` it is a `Service`: when the group shuts down it
/// stops every llama-server and then the client, as `shutdown()` does.
public final class LiveConnector: ExpertConnector, Service {
    public let runtime: LlamaRuntime?
    private let models: [String: LlamaModel]
    private let httpClient: HTTPClient
    private let environment: ConfigEnvironment
    /// Retries of remote experts; `CONCLAVE_MAX_RETRY_AFTER` (seconds, default 60) caps the wait a server
    /// may ask for with `Retry-After`.
    private let retry: RetryPolicy

    /// Residency is decided by the runner's `BatchPlanner`, which unloads explicitly; the runtime itself
    /// keeps whatever it is told to load. `connectTimeout` bounds each connection attempt of the
    /// connector's HTTP client.
    public init(
        registry: Registry,
        environment: ConfigEnvironment,
        logDirectory: URL,
        connectTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "conclave.runtime")
    ) throws {
        let models = Self.llamaModels(for: registry.experts)
        let binary = models.isEmpty ? nil : try Self.locateServer(environment)
        let httpClient = HTTPClient.conclave(connectTimeout: connectTimeout)
        self.models = models
        self.httpClient = httpClient
        self.environment = environment
        self.retry = RetryPolicy(maxRetryAfter: environment.variables["CONCLAVE_MAX_RETRY_AFTER"].flatMap(Double.init) ?? 60)
        let servers = ServerRegistry(directory: ConfigEnvironment.cacheDirectory(environment.variables).appendingPathComponent("servers"))
        let reaped = servers.reapOrphans()
        if !reaped.isEmpty { logger.warning("stopped \(reaped.count) llama-server(s) left behind by a Conclave that was killed: pids \(reaped)") }
        self.runtime = binary.map {
            LlamaRuntime(
                serverBinary: $0,
                logDirectory: logDirectory,
                httpClient: httpClient,
                serverRegistry: servers,
                logger: logger
            )
        }
    }

    /// One `LlamaModel` per GGUF file: slots = the largest `max_concurrency` and context per slot = the
    /// largest `context_window` among the experts sharing it. Keyed by expert id.
    public static func llamaModels(for experts: [Expert]) -> [String: LlamaModel] {
        var byPath: [String: LlamaModel] = [:]
        for expert in experts {
            guard case .llamaCpp(let path) = expert.runtime else { continue }
            var model = byPath[path] ?? LlamaModel(path: path, parallelSlots: 1, contextPerSlot: 64)
            model.parallelSlots = max(model.parallelSlots, expert.maxConcurrency)
            model.contextPerSlot = max(model.contextPerSlot, expert.contextWindow)
            byPath[path] = model
        }
        var byExpert: [String: LlamaModel] = [:]
        for expert in experts { if case .llamaCpp(let path) = expert.runtime { byExpert[expert.id] = byPath[path] } }
        return byExpert
    }

    /// `CONCLAVE_LLAMA_SERVER` (from the environment or the setup script's runtime.env), else `llama-server` on PATH.
    static func locateServer(_ environment: ConfigEnvironment) throws -> URL {
        if let path = environment.variables["CONCLAVE_LLAMA_SERVER"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw LlamaServerError.binaryNotFound("CONCLAVE_LLAMA_SERVER=\(path) is not an executable file")
            }
            return URL(fileURLWithPath: path)
        }
        for directory in (environment.variables["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/llama-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw LlamaServerError.binaryNotFound("CONCLAVE_LLAMA_SERVER is not set and no llama-server is on PATH")
    }

    public func backend(for expert: Expert) async throws -> any ChatBackend {
        switch expert.runtime {
        case .llamaCpp:
            guard let runtime, let model = models[expert.id] else { throw LlamaServerError.binaryNotFound("no runtime for \(expert.id)") }
            _ = try await runtime.load(model)
            return ManagedLlamaBackend(runtime: runtime, model: model, httpClient: httpClient, requestTimeout: .seconds(expert.timeoutSeconds))
        case .openAI(let baseURL, _, let keyVariable):
            return OpenAIChatClient(
                baseURL: baseURL,
                apiKey: try apiKey(keyVariable, of: expert),
                httpClient: httpClient,
                requestTimeout: .seconds(expert.timeoutSeconds),
                retry: retry
            )
        }
    }

    public func forwards(_ expert: Expert) -> Bool { true }

    public func endpoint(for expert: Expert) async throws -> ExpertEndpoint? {
        switch expert.runtime {
        case .llamaCpp:
            guard let runtime, let model = models[expert.id] else { throw LlamaServerError.binaryNotFound("no runtime for \(expert.id)") }
            return ExpertEndpoint(baseURL: try await runtime.load(model), model: expert.modelName)
        case .openAI(let baseURL, let model, let keyVariable):
            return ExpertEndpoint(baseURL: baseURL, model: model, apiKey: try apiKey(keyVariable, of: expert))
        }
    }

    /// A hosted (OpenAI-compatible) expert's endpoint; nil for a llama.cpp expert, whose server may have to
    /// be started first, and for an expert whose API key is missing.
    public func readyEndpoint(for expert: Expert) -> ExpertEndpoint? {
        guard case .openAI(let baseURL, let model, let keyVariable) = expert.runtime else { return nil }
        do {
            return ExpertEndpoint(baseURL: baseURL, model: model, apiKey: try apiKey(keyVariable, of: expert))
        } catch {
            return nil
        }
    }

    /// The key in `variable`, if the expert names one; throws when it is named but not set.
    private func apiKey(_ variable: String?, of expert: Expert) throws -> String? {
        guard let variable else { return nil }
        guard let value = environment.variables[variable], !value.isEmpty else {
            throw MissingAPIKey(user: "expert \(expert.id)", variable: variable)
        }
        // It goes into an `Authorization` header as it is: a line break would end the header there.
        guard !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else {
            throw MissingAPIKey(user: "expert \(expert.id)", variable: variable, problem: "holds a line break or another control character")
        }
        return value
    }

    public func embeddings(_ endpoint: EmbeddingEndpoint) throws -> any EmbeddingBackend {
        var key: String?
        if let variable = endpoint.apiKeyVariable {
            guard let value = environment.variables[variable], !value.isEmpty else {
                throw MissingAPIKey(user: "the embedding endpoint \(endpoint.baseURL)", variable: variable)
            }
            key = value
        }
        return OpenAIChatClient(baseURL: endpoint.baseURL, apiKey: key, httpClient: httpClient)
    }

    public func unload(modelKey: String) async {
        guard let runtime, let model = Set(models.values).first(where: { ExpertRuntime.llamaCpp(modelPath: $0.path).modelKey == modelKey }) else {
            return
        }
        await runtime.unload(model)
    }

    /// Stops every llama-server, then the HTTP client. Call it once, after the last call.
    public func shutdown() async {
        await runtime?.shutdown()
        try? await httpClient.shutdown()
    }

    /// Serves until the group shuts down gracefully (or is cancelled), then shuts down.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    public func serverRestarts() async -> Int { await runtime?.counters.restarts ?? 0 }
}

/// An expert's API key variable is not set, or holds what cannot go into a header.
public struct MissingAPIKey: Error, CustomStringConvertible {
    /// Who needs the key: "expert ID" or "the embedding endpoint URL".
    public var user: String
    public var variable: String
    /// What is wrong with the variable.
    public var problem = "is not set"
    public var description: String { "\(user) needs its API key in the environment variable \(variable), which \(problem)" }
}
