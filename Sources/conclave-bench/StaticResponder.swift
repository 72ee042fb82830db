import NIOCore

/// The gateway benchmark's upstream: an OpenAI-style server that answers every request with the same chat
/// completion, its bytes made once. It frames requests from their bytes (`HTTPFrame`), parsing neither
/// HTTP nor the body, so that the cores go to what is measured, the proxies in front of it, rather than to
/// the upstream.
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
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(reply.readableBytes)\r\n\r\n"
        var answer = ByteBuffer(string: head)
        answer.writeImmutableBuffer(reply)
        return try LoopbackServer { [answer] channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(Reply(answer: answer))
            }
        }
    }

    /// Answers each request, once it has been read whole (`HTTPFrame`), with the completion; closes the
    /// connection after it when the client asked for that, and on bytes that are not HTTP.
    private final class Reply: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let answer: ByteBuffer
        /// A request's bytes so far, when it came in more than one read.
        private var pending: ByteBuffer?

        init(answer: ByteBuffer) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = HTTPFrame.joining(&pending, unwrapInboundIn(data))
            do {
                while let request = try HTTPFrame.find(in: bytes, answer: false) {
                    bytes.moveReaderIndex(forwardBy: request.length)
                    let written = context.writeAndFlush(wrapOutboundOut(answer))
                    if request.closes {
                        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                        written.whenComplete { _ in context.value.close(promise: nil) }
                        return
                    }
                }
            } catch {
                context.close(promise: nil)
                return
            }
            if bytes.readableBytes > 0 { pending = bytes }
        }
    }
}
