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
    /// The same completion, its text handed to `onDelta` piece by piece as it is generated. Backends that
    /// cannot stream hand over the whole text at once.
    func stream(_ request: ChatRequest, onDelta: @escaping @Sendable (String) async -> Void) async throws -> ChatCompletion
}

extension ChatBackend {
    public func stream(_ request: ChatRequest, onDelta: @escaping @Sendable (String) async -> Void) async throws -> ChatCompletion {
        let completion = try await complete(request)
        await onDelta(completion.text)
        return completion
    }
}

/// Anything that turns texts into embedding vectors: an OpenAI-compatible `/v1/embeddings` endpoint.
public protocol EmbeddingBackend: Sendable {
    /// One vector per text, in the order given.
    func embed(_ texts: [String], model: String) async throws -> [[Double]]
}

/// Why a call failed, with what the upstream said. A struct with a `code`, so new kinds of failure can be
/// added without breaking code that switches over them.
///
/// ```swift
/// do { _ = try await client.complete(request) } catch let error as LLMError where error.code == .http {
///     print(error.status ?? 0, error.detail)
/// }
/// ```
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The server answered with an error status.
        public static let http = Code("http")
        /// No answer: connection refused or reset, DNS, TLS.
        public static let transport = Code("transport")
        /// No complete answer within the request timeout.
        public static let timeout = Code("timeout")
        /// The server answered 2xx with something that is not a chat completion.
        public static let invalidResponse = Code("invalidResponse")
        /// Every attempt failed; `underlying` is the last attempt's error.
        public static let exhausted = Code("exhausted")

        public var description: String { name }
    }

    public let code: Code
    /// The HTTP status, for `.http` (and an `.exhausted` whose last attempt was one).
    public let status: Int?
    /// What the server said or what went wrong.
    public let detail: String
    /// The attempts made: 1, or the count for `.exhausted`.
    public let attempts: Int
    /// For `.exhausted`: the last attempt's error (empty otherwise).
    public let underlying: [LLMError]

    private init(code: Code, status: Int? = nil, detail: String, attempts: Int = 1, underlying: [LLMError] = []) {
        self.code = code
        self.status = status
        self.detail = detail
        self.attempts = attempts
        self.underlying = underlying
    }

    /// The server answered with an error status; `body` is its error text.
    public static func http(status: Int, body: String) -> LLMError { LLMError(code: .http, status: status, detail: body) }
    /// No answer: connection refused or reset, DNS, TLS.
    public static func transport(_ message: String) -> LLMError { LLMError(code: .transport, detail: message) }
    /// No complete answer within `limit`.
    public static func timeout(after limit: Duration) -> LLMError { LLMError(code: .timeout, detail: "\(limit)") }
    /// A 2xx answer that is not what was asked for.
    public static func invalidResponse(_ body: String) -> LLMError { LLMError(code: .invalidResponse, detail: body) }
    /// Every one of `attempts` failed; `last` is the last one's error.
    public static func exhausted(attempts: Int, last: LLMError) -> LLMError {
        LLMError(code: .exhausted, status: last.status, detail: last.description, attempts: attempts, underlying: [last])
    }

    /// Whether trying again may succeed: 408, 429, 5xx, transport errors, timeouts and garbage.
    public var isRetryable: Bool {
        switch code {
        case .http: status.map { $0 == 408 || $0 == 429 || $0 >= 500 } ?? false
        case .transport, .timeout, .invalidResponse: true
        default: false
        }
    }

    public var description: String {
        switch code {
        case .http: "HTTP \(status ?? 0): \(detail.prefix(500))"
        case .transport: "connection error: \(detail)"
        case .timeout: "timed out after \(detail)"
        case .invalidResponse: "invalid response: \(detail.prefix(300))"
        case .exhausted: "failed after \(attempts) attempts: \(detail)"
        default: "\(code): \(detail)"
        }
    }
}
