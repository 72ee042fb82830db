import NIOCore
import NIOHTTP1

/// One upstream connection's handler in `UpstreamConnections`: it writes a request, reads the answer
/// (whole, or piece by piece into a stream) and, when the answer is complete and the connection may be
/// kept, hands the connection back for the next request. It lives on the connection's event loop; the
/// pool reaches it there.
final class UpstreamExchange: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Why an exchange failed.
    enum Failure: Error, CustomStringConvertible {
        /// The connection closed (or could not take the request) before any byte of an answer: the
        /// request may be sent again on another connection.
        case closedBeforeAnswer
        case closedDuringAnswer
        case timedOut
        case tooLarge(Int)
        case broken(any Error)

        var description: String {
            switch self {
            case .closedBeforeAnswer: "the connection closed before an answer"
            case .closedDuringAnswer: "the connection closed during the answer"
            case .timedOut: "no answer in time"
            case .tooLarge(let limit): "the answer is larger than \(limit) bytes"
            case .broken(let error): "\(error)"
            }
        }
    }

    /// The request in progress: who gets the answer, and what of it has come.
    private struct Exchange {
        var promise: EventLoopPromise<UpstreamResponse>
        /// Streamed answers: the stream's end, once the head has come.
        var pieces: AsyncThrowingStream<ByteBuffer, any Error>.Continuation?
        var streaming: Bool
        var head: HTTPResponseHead?
        var timeout: Scheduled<Void>?
    }

    /// One exchange of a connection, as a streamed answer's body names it.
    struct Handle: Sendable {
        fileprivate let exchange: NIOLoopBound<UpstreamExchange>
        fileprivate let serial: Int
    }

    /// Held by the reader of a streamed answer: when the reader lets go of it before the answer's end (it
    /// stopped, its client left), the exchange ends and the connection closes, so the upstream stops
    /// generating. After the end it does nothing (the connection may serve another request by then).
    final class Abandon: Sendable {
        private let handle: Handle

        init(_ handle: Handle) { self.handle = handle }

        deinit {
            let handle = handle
            handle.exchange.eventLoop.execute { handle.exchange.value.abandon(handle.serial) }
        }
    }

    /// The largest whole answer read.
    static let maxBodyBytes = 64 << 20

    private let release: (UpstreamExchange, any Channel) -> Void
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    /// Counts the exchanges on this connection (`Abandon` names the one it belongs to).
    private var serial = 0
    /// A whole answer's body so far.
    private var body: ByteBuffer?

    /// `release` takes the connection back once an answer is complete and the connection may be kept.
    init(release: @escaping (UpstreamExchange, any Channel) -> Void) { self.release = release }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes the request; `promise` gets the answer, whole or (`streaming`) as soon as its head arrives.
    func start(
        _ head: HTTPRequestHead,
        body: ByteBuffer,
        streaming: Bool,
        timeout: TimeAmount,
        promise: EventLoopPromise<UpstreamResponse>
    ) {
        guard let context, context.channel.isActive, exchange == nil else {
            promise.fail(Failure.closedBeforeAnswer)
            return
        }
        exchange = Exchange(promise: promise, streaming: streaming)
        serial += 1
        self.body = nil
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        exchange?.timeout = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.fail(.timedOut)
            bound.value.context?.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard exchange != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            exchange?.head = head
            guard let promise = exchange?.promise, exchange?.streaming == true else { return }
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
            exchange?.pieces = continuation
            let body = UpstreamBody(source: .pieces(stream, Handle(exchange: NIOLoopBound(self, eventLoop: context.eventLoop), serial: serial)))
            promise.succeed(UpstreamResponse(status: Int(head.status.code), headers: head.headers, body: body))
        case .body(let piece):
            if let pieces = exchange?.pieces {
                pieces.yield(piece)
            } else if body == nil {
                body = piece
            } else {
                body?.writeImmutableBuffer(piece)
                if (body?.readableBytes ?? 0) > Self.maxBodyBytes {
                    fail(.tooLarge(Self.maxBodyBytes))
                    context.close(promise: nil)
                }
            }
        case .end:
            guard let finished = exchange else { return }
            exchange = nil
            finished.timeout?.cancel()
            let head = finished.head ?? HTTPResponseHead(version: .http1_1, status: .badGateway)
            if head.isKeepAlive { release(self, context.channel) } else { context.close(promise: nil) }
            if let pieces = finished.pieces {
                pieces.finish()
            } else {
                let whole = body ?? ByteBuffer()
                body = nil
                finished.promise.succeed(
                    UpstreamResponse(status: Int(head.status.code), headers: head.headers, body: UpstreamBody(source: .whole(whole)))
                )
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.broken(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(exchange?.head == nil ? .closedBeforeAnswer : .closedDuringAnswer)
        context.fireChannelInactive()
    }

    /// Ends exchange `serial` if it is still in progress: its streamed body was dropped before the end.
    private func abandon(_ serial: Int) {
        guard exchange != nil, serial == self.serial else { return }
        fail(.closedDuringAnswer)
        context?.close(promise: nil)
    }

    /// Ends the exchange in progress, if any, with `failure`.
    private func fail(_ failure: Failure) {
        guard let current = exchange else { return }
        exchange = nil
        body = nil
        current.timeout?.cancel()
        if let pieces = current.pieces { pieces.finish(throwing: failure) } else { current.promise.fail(failure) }
    }
}
