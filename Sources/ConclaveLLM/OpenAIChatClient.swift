import AsyncHTTPClient
import ConclaveCore
import Foundation
import NIOCore
import NIOHTTP1

/// A client for any OpenAI-compatible `/v1/chat/completions` and `/v1/embeddings` endpoint (llama-server,
/// vLLM, SGLang, Ollama, hosted APIs): request timeout, retries with backoff and jitter on 408/429/5xx,
/// connection errors and garbage, and the upstream's error body in the error.
///
/// ```swift
/// let client = OpenAIChatClient(baseURL: "http://127.0.0.1:8080/v1", httpClient: .shared)
/// let completion = try await client.complete(ChatRequest(model: "local", messages: [.user("2+2?")], temperature: 0, maxTokens: 16))
/// let vectors = try await client.embed(["algebra", "geometry"], model: "local")  // one vector per text
/// ```
public struct OpenAIChatClient: ChatBackend, EmbeddingBackend {
    public let baseURL: String
    public let apiKey: String?
    public let httpClient: HTTPClient
    public let requestTimeout: Duration
    public let retry: RetryPolicy

    public init(
        baseURL: String,
        apiKey: String? = nil,
        httpClient: HTTPClient,
        requestTimeout: Duration = .seconds(60),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let (value, attempts) = try await post("/chat/completions", try ChatPayload(request).encoded(), parse: Self.parse)
        var completion = value
        completion.attempts = attempts
        return completion
    }

    /// Streams the completion (`stream: true`, asking for the usage event): each piece of text goes to
    /// `onDelta` as it arrives. A failure before the first piece is retried like `complete`; after it, it
    /// is thrown, since the text already handed on cannot be taken back.
    public func stream(_ request: ChatRequest, onDelta: @escaping @Sendable (String) async -> Void) async throws -> ChatCompletion {
        let body = try ChatPayload(request).streamed().encoded()
        let promptCharacters = request.messages.map(\.content.count).reduce(0, +)
        var rng = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            var started = false
            do {
                let response = try await open(body, path: "/chat/completions")
                var reader = ChatStream(promptCharacters: promptCharacters)
                for try await chunk in response.body {
                    for delta in reader.feed(String(buffer: chunk)) {
                        started = true
                        await onDelta(delta)
                    }
                }
                guard reader.isDone || started else { throw RetryableFailure(error: .invalidResponse("the stream ended without an answer")) }
                var completion = reader.completion
                completion.attempts = attempt
                return completion
            } catch {
                guard let failure = classified(error) as? RetryableFailure else { throw CancellationError() }
                guard !started, failure.error.isRetryable, attempt < retry.maxAttempts else {
                    throw attempt > 1 ? LLMError.exhausted(attempts: attempt, last: failure.error) : failure.error
                }
                let pause = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, using: &rng)
                try await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
                attempt += 1
            }
        }
    }

    /// One embedding vector per text, in the order given (`/embeddings`).
    public func embed(_ texts: [String], model: String) async throws -> [[Double]] {
        let (vectors, _) = try await post("/embeddings", try EmbeddingPayload(model: model, input: texts).encoded()) { text in
            Self.parseEmbeddings(text).flatMap { $0.count == texts.count ? $0 : nil }
        }
        return vectors
    }

    /// Posts the body, retrying what may succeed on a second try; the parsed answer and the attempts it took.
    private func post<Value>(_ path: String, _ body: Data, parse: @escaping (String) -> Value?) async throws -> (Value, Int) {
        var rng = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            do {
                let text = try await send(body, path: path)
                guard let value = parse(text) else { throw RetryableFailure(error: .invalidResponse(text)) }
                return (value, attempt)
            } catch let error as RetryableFailure {
                guard error.error.isRetryable, attempt < retry.maxAttempts else {
                    throw attempt > 1 ? LLMError.exhausted(attempts: attempt, last: error.error) : error.error
                }
                let pause = retry.delay(afterAttempt: attempt, retryAfter: error.retryAfter, using: &rng)
                try await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
                attempt += 1
            }
        }
    }

    /// An `LLMError` with the server's `Retry-After`, if any.
    private struct RetryableFailure: Error {
        var error: LLMError
        var retryAfter: Double?
    }

    /// A 2xx answer whose body is still to be read; anything else is a `RetryableFailure`.
    private func open(_ body: Data, path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: requestTimeout.timeAmount)
        } catch {
            throw classified(error)
        }
        guard (200..<300).contains(response.status.code) else {
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryPolicy.retryAfterSeconds($0) }
            throw RetryableFailure(error: .http(status: Int(response.status.code), body: Self.errorMessage(in: text)), retryAfter: retryAfter)
        }
        return response
    }

    /// The body of a 2xx answer; anything else is a `RetryableFailure`.
    private func send(_ body: Data, path: String) async throws -> String {
        let response = try await open(body, path: path)
        do {
            return String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        } catch {
            throw classified(error)
        }
    }

    /// A failure of the connection as the retry loop sees it: a cancellation stays one, a timeout or any
    /// other transport failure becomes a `RetryableFailure` (a `RetryableFailure` is kept as it is).
    private func classified(_ error: Error) -> Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let failure = error as? RetryableFailure { return failure }
        if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout {
            return RetryableFailure(error: .timeout(after: requestTimeout))
        }
        return RetryableFailure(error: .transport(String(describing: error)))
    }

    static func parse(_ text: String) -> ChatCompletion? {
        guard let read = CompletionBodyReader.read(text.utf8), let content = read.content else { return nil }
        return ChatCompletion(text: content, inputTokens: read.promptTokens ?? 0, outputTokens: read.completionTokens ?? 0)
    }

    /// The vectors of an embeddings answer (`data[].embedding`, put in `index` order).
    static func parseEmbeddings(_ text: String) -> [[Double]]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
            let data = object["data"] as? [[String: Any]]
        else { return nil }
        var vectors: [(index: Int, vector: [Double])] = []
        for (position, entry) in data.enumerated() {
            guard let numbers = entry["embedding"] as? [NSNumber], !numbers.isEmpty else { return nil }
            vectors.append(((entry["index"] as? Int) ?? position, numbers.map(\.doubleValue)))
        }
        return vectors.sorted { $0.index < $1.index }.map(\.vector)
    }

    /// The `error.message` of an OpenAI-style error body, else the body itself.
    static func errorMessage(in body: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else { return body }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let message = object["error"] as? String { return message }
        return body
    }
}
