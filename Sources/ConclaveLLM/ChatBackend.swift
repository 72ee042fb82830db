import ConclaveCore

/// One chat-completions request to one model.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double
    public var maxTokens: Int
    public var seed: UInt64?

    public init(model: String, messages: [ChatMessage], temperature: Double, maxTokens: Int, seed: UInt64? = nil) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
    }
}

/// A model's answer to a `ChatRequest`, with its token counts and how many attempts it took.
public struct ChatCompletion: Sendable, Hashable {
    public var text: String
    public var inputTokens: Int
    public var outputTokens: Int
    public var attempts: Int

    public init(text: String, inputTokens: Int, outputTokens: Int, attempts: Int = 1) {
        self.text = text
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.attempts = attempts
    }
}

/// Anything that answers chat requests: an OpenAI-compatible server, a managed llama.cpp server, a replay of
/// recorded outcomes.
public protocol ChatBackend: Sendable {
    func complete(_ request: ChatRequest) async throws -> ChatCompletion
}

/// Anything that turns texts into embedding vectors: an OpenAI-compatible `/v1/embeddings` endpoint.
public protocol EmbeddingBackend: Sendable {
    /// One vector per text, in the order given.
    func embed(_ texts: [String], model: String) async throws -> [[Double]]
}

/// Why a call failed, with what the upstream said.
public enum LLMError: Error, Sendable, CustomStringConvertible {
    /// The server answered with an error status; `body` is its error text.
    case http(status: Int, body: String)
    /// No answer: connection refused or reset, DNS, TLS.
    case transport(String)
    /// No complete answer within the request timeout.
    case timeout(seconds: Double)
    /// The server answered 2xx with something that is not a chat completion.
    case invalidResponse(String)
    /// The last error after every attempt failed.
    indirect case exhausted(attempts: Int, last: LLMError)

    /// Whether trying again may succeed: 408, 429, 5xx, transport errors, timeouts and garbage.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _): return status == 408 || status == 429 || status >= 500
        case .transport, .timeout, .invalidResponse: return true
        case .exhausted: return false
        }
    }

    public var description: String {
        switch self {
        case .http(let status, let body): return "HTTP \(status): \(body.prefix(500))"
        case .transport(let message): return "connection error: \(message)"
        case .timeout(let seconds): return "timed out after \(seconds) s"
        case .invalidResponse(let body): return "invalid response: \(body.prefix(300))"
        case .exhausted(let attempts, let last): return "failed after \(attempts) attempts: \(last)"
        }
    }
}
