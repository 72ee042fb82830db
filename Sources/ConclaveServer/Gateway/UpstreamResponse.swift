import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// An upstream's answer to a forwarded request, whichever client carried it: the status, the headers
/// the pass-through reads, and the body, whole or still arriving.
///
/// ```swift
/// let response = try await connections.send(request, to: address, streaming: false, timeout: .seconds(30))
/// let body = try await response.body.collect(upTo: 1 << 20)
/// ```
struct UpstreamResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: UpstreamBody
}

/// The body of an `UpstreamResponse`: read whole by `UpstreamConnections` (a request without a stream),
/// its pieces as they arrive (a stream), or AsyncHTTPClient's body (an HTTPS upstream).
struct UpstreamBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    enum Source: Sendable {
        case whole(ByteBuffer)
        /// The pieces, and the exchange they come from (ended when a reader stops before the end).
        case pieces(AsyncThrowingStream<ByteBuffer, any Error>, UpstreamExchange.Handle)
        case client(HTTPClientResponse.Body)
    }

    let source: Source

    /// The body, when it was read whole.
    var whole: ByteBuffer? {
        if case .whole(let buffer) = source { buffer } else { nil }
    }

    /// The body as one buffer; more than `limit` bytes is an error.
    func collect(upTo limit: Int) async throws -> ByteBuffer {
        if case .whole(let buffer) = source {
            guard buffer.readableBytes <= limit else { throw UpstreamExchange.Failure.tooLarge(limit) }
            return buffer
        }
        var collected = ByteBuffer()
        for try await piece in self {
            guard collected.readableBytes + piece.readableBytes <= limit else { throw UpstreamExchange.Failure.tooLarge(limit) }
            collected.writeImmutableBuffer(piece)
        }
        return collected
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var whole: ByteBuffer?
        fileprivate var pieces: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator?
        /// Kept while the pieces are read: a reader that stops early drops it, which ends the exchange.
        fileprivate var abandon: UpstreamExchange.Abandon?
        fileprivate var client: HTTPClientResponse.Body.AsyncIterator?

        mutating func next() async throws -> ByteBuffer? {
            if let buffer = whole {
                whole = nil
                return buffer
            }
            if pieces != nil { return try await pieces?.next() }
            return try await client?.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .whole(let buffer): AsyncIterator(whole: buffer.readableBytes > 0 ? buffer : nil)
        case .pieces(let stream, let exchange): AsyncIterator(pieces: stream.makeAsyncIterator(), abandon: UpstreamExchange.Abandon(exchange))
        case .client(let body): AsyncIterator(client: body.makeAsyncIterator())
        }
    }
}
