import NIOCore
import NIOPosix

/// The floor of any proxy on this machine: a loopback TCP relay that gives every client connection its own
/// connection to the upstream and copies bytes both ways, reading nothing. It makes the same two hops a
/// proxy makes and does no other work, so the requests per second through it bound what a proxy in front
/// of the same upstream can reach here.
///
/// ```swift
/// let relay = try TCPRelay.start(upstream: upstreamPort)
/// defer { relay.stop() }
/// // http://127.0.0.1:\(relay.port) answers as the upstream does
/// ```
enum TCPRelay {
    /// Starts the relay on a free loopback port; each accepted connection is joined to a new one to
    /// `upstream` (on the same event loop) before its first byte is read.
    static func start(upstream: Int) throws -> LoopbackServer {
        try LoopbackServer(readsAtOnce: false) { inbound in
            ClientBootstrap(group: inbound.eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: "127.0.0.1", port: upstream)
                .flatMap { outbound in
                    do {
                        let (toUpstream, toClient) = Pipe.pair()
                        try inbound.pipeline.syncOperations.addHandler(toUpstream)
                        try outbound.pipeline.syncOperations.addHandler(toClient)
                        try inbound.syncOptions?.setOption(.autoRead, value: true)
                        return inbound.eventLoop.makeSucceededVoidFuture()
                    } catch {
                        // The client's connection is closed as its set-up fails; the upstream's with it.
                        outbound.close(promise: nil)
                        return inbound.eventLoop.makeFailedFuture(error)
                    }
                }
        }
    }

    /// One direction's end of a joined pair: what its channel reads is written to the partner's channel.
    /// Reading pauses while the partner cannot take more (and resumes when it can), and closing either
    /// channel closes the other.
    private final class Pipe: ChannelDuplexHandler {
        typealias InboundIn = NIOAny
        typealias OutboundIn = NIOAny
        typealias OutboundOut = NIOAny

        private var partner: Pipe?
        private var context: ChannelHandlerContext?
        private var pendingRead = false

        /// Two ends joined to each other (a cycle, broken when either channel closes).
        static func pair() -> (Pipe, Pipe) {
            let first = Pipe()
            let second = Pipe()
            first.partner = second
            second.partner = first
            return (first, second)
        }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func handlerRemoved(context: ChannelHandlerContext) {
            self.context = nil
            partner = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.context?.write(data, promise: nil) }

        func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }

        func channelInactive(context: ChannelHandlerContext) {
            partner?.context?.close(promise: nil)
            partner = nil
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { partner?.resumeReading() }
        }

        func read(context: ChannelHandlerContext) {
            if partner?.context?.channel.isWritable ?? true {
                context.read()
            } else {
                pendingRead = true
            }
        }

        private func resumeReading() {
            guard pendingRead, let context else { return }
            pendingRead = false
            context.read()
        }
    }
}
