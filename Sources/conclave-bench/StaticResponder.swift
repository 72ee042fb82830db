import NIOCore
import NIOHTTP1

/// The gateway benchmark's upstream: an OpenAI-style server that answers every request with the same chat
/// completion, its bytes made once. It parses only HTTP (not the body), so that the cores go to what is
/// measured, the proxies in front of it, rather than to the upstream.
///
/// ```swift
/// let upstream = try StaticResponder.start(answer: "The answer is (A).")
/// defer { upstream.stop() }
/// // POST http://127.0.0.1:\(upstream.port)/v1/chat/completions answers a chat.completion
/// ```
enum StaticResponder {
    /// Starts the responder on a free loopback port.
    static func start(answer: String) throws -> LoopbackServer {
        let reply = ByteBuffer(
            string:
                #"{"id": "up-1", "object": "chat.completion", "created": 0, "model": "model-up", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(answer)"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 20, "completion_tokens": 6, "total_tokens": 26}}"#
        )
        return try LoopbackServer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(Reply(body: reply))
            }
        }
    }

    /// Answers each request, once it has been read whole, with the completion; closes the connection
    /// after it when the client asked for that.
    private final class Reply: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let body: ByteBuffer
        private let head: HTTPResponseHead
        private var keepAlive = true

        init(body: ByteBuffer) {
            self.body = body
            head = HTTPResponseHead(
                version: .http1_1,
                status: .ok,
                headers: ["Content-Type": "application/json", "Content-Length": String(body.readableBytes)]
            )
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request): keepAlive = request.isKeepAlive
            case .body: break
            case .end:
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                    done.whenComplete { _ in context.value.close(promise: nil) }
                }
            }
        }
    }
}
