import AsyncHTTPClient
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import Foundation
import NIOCore
import NIOHTTP1

/// An expert's OpenAI-compatible endpoint as the pass-through forwards to it: the URL of its
/// `/chat/completions`, the model name it expects, and its API key (never logged, stored or returned).
struct Upstream: Sendable {
    var expert: Expert
    var url: String
    var model: String
    var apiKey: String?

    init(_ expert: Expert, endpoint: ExpertEndpoint) {
        self.expert = expert
        self.url = endpoint.baseURL + "/chat/completions"
        self.model = endpoint.model
        self.apiKey = endpoint.apiKey
    }

    /// What came back from one attempt that may be worth another (429, 5xx, a timeout, no connection).
    struct Failure: Error {
        var detail: String
        var retryAfter: Double?
    }

    /// Sends `body` and returns the response once its status is known (its body not yet read). A 2xx or a
    /// client error (other than 408 and 429) is returned; what may pass on retry throws `Failure`, with
    /// the upstream's body read for the message.
    func send(_ body: ByteBuffer, client: HTTPClient, timeout: Duration) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout.timeAmount)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw Failure(detail: "no answer within \(timeout)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Failure(detail: "cannot reach \(expert.id): \(error)")
        }
        let status = Int(response.status.code)
        if status == 408 || status == 429 || status >= 500 {
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            throw Failure(
                detail: "HTTP \(status) from \(expert.id): \(text.prefix(300))",
                retryAfter: response.headers.first(name: "Retry-After").flatMap { RetryPolicy.retryAfterSeconds($0) }
            )
        }
        return response
    }
}
