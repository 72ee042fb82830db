import AsyncHTTPClient
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import Foundation
import NIOCore
import NIOHTTP1

/// The clients the pass-through forwards with: its own keep-alive connections for plain-HTTP upstreams
/// (a local llama-server, a gateway on the same network), AsyncHTTPClient for HTTPS (hosted APIs).
struct UpstreamClients: Sendable {
    var plain: UpstreamConnections
    var tls: HTTPClient

    /// Closes the kept connections and shuts AsyncHTTPClient down.
    func shutdown() async throws {
        plain.closeIdle()
        try await tls.shutdown()
    }
}

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

    /// Sends `body` and returns the response once its status is known (a stream's body still to come). A
    /// 2xx or a client error (other than 408 and 429) is returned; what may pass on retry throws
    /// `Failure`, with the upstream's body read for the message.
    func send(_ body: ByteBuffer, streaming: Bool, clients: UpstreamClients, timeout: Duration) async throws -> UpstreamResponse {
        let response: UpstreamResponse
        do {
            if let plain = clients.plain.split(url) {
                response = try await clients.plain.send(
                    head(for: plain, body: body),
                    body: body,
                    to: plain.address,
                    streaming: streaming,
                    timeout: timeout
                )
            } else {
                response = try await sendTLS(body, client: clients.tls, timeout: timeout)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw failure(error, timeout: timeout)
        }
        if Self.retries(response.status) {
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            throw failure(response, text: text)
        }
        return response
    }

    /// The request's head for a plain-HTTP upstream (`UpstreamConnections`).
    func head(for plain: PlainURL, body: ByteBuffer) -> HTTPRequestHead {
        var headers = HTTPHeaders([("Host", plain.hostHeader), ("Content-Type", "application/json"), ("Content-Length", String(body.readableBytes))])
        if let apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: plain.path, headers: headers)
    }

    /// Whether an answer with this status may pass on another try: 408, 429 and 5xx.
    static func retries(_ status: Int) -> Bool { status == 408 || status == 429 || status >= 500 }

    /// An answer whose status `retries`, as the failure of its attempt (`text`: its body).
    func failure(_ response: UpstreamResponse, text: String) -> Failure {
        Failure(
            detail: "HTTP \(response.status) from \(expert.id): \(text.prefix(300))",
            retryAfter: response.headers.first(name: "Retry-After").flatMap { RetryPolicy.retryAfterSeconds($0) }
        )
    }

    /// An attempt that brought no answer (no connection, a timeout), as its failure.
    func failure(_ error: any Error, timeout: Duration) -> Failure {
        switch error {
        case UpstreamExchange.Failure.timedOut: Failure(detail: "no answer within \(timeout)")
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout: Failure(detail: "no answer within \(timeout)")
        default: Failure(detail: "cannot reach \(expert.id): \(error)")
        }
    }

    /// The request through AsyncHTTPClient (an HTTPS upstream).
    private func sendTLS(_ body: ByteBuffer, client: HTTPClient, timeout: Duration) async throws -> UpstreamResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: timeout.timeAmount)
        return UpstreamResponse(status: Int(response.status.code), headers: response.headers, body: UpstreamBody(source: .client(response.body)))
    }
}

/// An `http://` URL split for `UpstreamConnections`: host, port (80 when not given) and path with query.
struct PlainURL: Hashable, Sendable {
    var address: UpstreamConnections.Address
    var path: String

    /// The `Host` header: the host (an IPv6 address in brackets), and the port unless it is 80. Made once
    /// here: every forwarded request's head carries it.
    let hostHeader: String

    /// Nil for any other scheme, or a URL without a host or whose host has a control character (the
    /// request's head is written without NIO's header check: every field of it is checked once, here and
    /// where the API key is read).
    init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty, !host.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f })
        else { return nil }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        // An IPv6 literal comes in brackets (as some Foundations give it); the address is without them.
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.address = .init(host: bare, port: components.port ?? 80)
        self.path = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
        let bracketed = bare.utf8.contains(UInt8(ascii: ":")) ? "[\(bare)]" : bare
        self.hostHeader = address.port == 80 ? bracketed : "\(bracketed):\(address.port)"
    }
}
