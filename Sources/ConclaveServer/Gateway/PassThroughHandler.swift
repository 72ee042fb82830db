import ConclaveEngine
import NIOCore
import NIOHTTP1

/// The pass-through on the connection's own event loop, in front of Hummingbird (and of its conversion
/// to Swift HTTP Types, which a forwarded request does without): a
/// `POST /v1/chat/completions` whose decision is a single expert with an endpoint at hand (a hosted,
/// plain-HTTP upstream) and that wants no stream is forwarded from here (`LoopForward`), with no task, no
/// router and no hop between threads. Anything else (another route, a stream, a request the route would
/// refuse, a recruited decision, an expert whose model must be loaded first) is handed to Hummingbird as
/// it came, and the route answers it as before (`GatewayRoutes`). Answers keep their order: while
/// Hummingbird owes an answer, later requests go to it too, and while a request is forwarded here, later
/// ones wait (held, and once one is held the connection is not read).
///
/// The forwarded request is decided, limited, retried, failed over, logged and counted as the route does
/// it: both drive the same `Forwarding`. Its client leaving (closing its side, or the connection) cuts
/// the upstream call.
final class PassThroughHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// A request to the endpoint, read whole to see whether it can be forwarded from here.
        case reading(HTTPRequestHead, ByteBuffer)
        /// The request being read goes to Hummingbird, part by part.
        case handingOver
        /// A request forwarded from here, its answer still to come.
        case forwarding(LoopForward)
    }

    static let path = "/v1/chat/completions"

    private let gateway: GatewayRoutes
    private let tokens: BearerTokens
    private var state = State.idle
    /// Requests handed to Hummingbird whose answer has not ended yet.
    private var answersOwed = 0
    /// Parts that came while a request was forwarded (a client pipelining), taken after its answer.
    private var held: [HTTPServerRequestPart] = []
    /// Whether a read was asked for while a request was forwarded.
    private var readWaiting = false
    private var date = HTTPDateText()

    init(gateway: GatewayRoutes, tokens: BearerTokens) {
        self.gateway = gateway
        self.tokens = tokens
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .forwarding = state {
            held.append(part)
        } else {
            take(part, context: context)
        }
    }

    /// A read goes on while a request is forwarded, so the connection stays registered for reading (no
    /// system call to stop and start it around each request); once a part has come and is held, reads are
    /// put off until the answer is out, so what a pipelining client sends ahead is held one read's worth at most.
    func read(context: ChannelHandlerContext) {
        if case .forwarding = state, !held.isEmpty { readWaiting = true } else { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), answersOwed > 0 { answersOwed -= 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { clientLeft() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientLeft()
        context.fireChannelInactive()
    }

    private func take(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)) where answersOwed == 0 && head.method == .POST && head.uri == Self.path:
            state = .reading(head, context.channel.allocator.buffer(capacity: 0))
        case (.idle, .head):
            answersOwed += 1
            state = .handingOver
            context.fireChannelRead(wrapInboundOut(part))
        case (.reading(let head, var body), .body(let piece)):
            state = .idle  // the buffer is not shared while it grows
            if body.readableBytes + piece.readableBytes > gateway.maxBodyBytes {
                handOver(head, body, context: context)
                context.fireChannelRead(wrapInboundOut(part))
            } else {
                body.writeImmutableBuffer(piece)
                state = .reading(head, body)
            }
        case (.reading(let head, let body), .end):
            if let forward = forward(head, body, context: context) {
                state = .forwarding(forward)
                forward.start()
            } else {
                handOver(head, body, context: context)
                state = .idle
                context.fireChannelRead(wrapInboundOut(part))
            }
        case (.handingOver, .end):
            state = .idle
            context.fireChannelRead(wrapInboundOut(part))
        default:
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// Gives Hummingbird the request read so far.
    private func handOver(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) {
        answersOwed += 1
        state = .handingOver
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    /// The request forwarded from here, or nil when Hummingbird should have it.
    private func forward(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) -> LoopForward? {
        var caller: (client: Int?, access: BearerTokens.Access) = (nil, .all)
        if !tokens.isEmpty {
            guard let header = head.headers.first(name: "Authorization"), header.hasPrefix("Bearer "),
                let match = tokens.match(String(header.dropFirst(7)))
            else { return nil }
            caller = match
        }
        guard let request = try? CompletionRequest(body: body), !request.stream,
            let pipeline = try? gateway.pipeline(for: request, access: caller.access),
            pipeline.mayPassThrough(mode: request.mode),
            let decided = try? gateway.decide(request, pipeline: pipeline),
            let experts = decided.forwardTo
        else { return nil }
        var endpoints: [(endpoint: ExpertEndpoint, url: PlainURL)] = []
        endpoints.reserveCapacity(experts.count)
        for expert in experts {
            guard let endpoint = gateway.connector.readyEndpoint(for: expert),
                let url = gateway.clients.plain.split(Upstream(expert, endpoint: endpoint).url)
            else { return nil }
            endpoints.append((endpoint, url))
        }
        guard
            let forwarding = try? Forwarding(
                request,
                instance: decided.instance,
                decision: decided.decision,
                experts: experts,
                answerer: decided.answerer,
                limits: gateway.limits,
                client: caller.client,
                attempts: gateway.attempts
            )
        else { return nil }
        let keepAlive = head.isKeepAlive
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let metrics = gateway.metrics
        return LoopForward(forwarding, endpoints: endpoints, connections: gateway.clients.plain, log: gateway.log, loop: context.eventLoop) {
            answer in
            let (handler, context) = bound.value
            if case .forwarding(let forward) = handler.state {
                metrics.chatCompletion(
                    pipeline: pipeline.name,
                    path: answer.path,
                    status: answer.status,
                    seconds: (ContinuousClock.now - forward.started).inSeconds
                )
            }
            handler.write(answer, keepAlive: keepAlive, context: context)
            handler.forwarded(context: context)
        }
    }

    private func write(_ answer: LoopForward.Answer, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(answer.headers.count + 4)
        for field in answer.headers { headers.add(name: field.name.rawName, value: field.value) }
        headers.add(name: "Content-Length", value: String(answer.body.readableBytes))
        headers.add(name: "Date", value: date.now())
        headers.add(name: "Server", value: "conclave")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        guard keepAlive else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// A forwarded request was answered: the parts held meanwhile are taken (what goes on to Hummingbird
    /// is delivered with a read's completion, as if just read), and reading goes on.
    private func forwarded(context: ChannelHandlerContext) {
        state = .idle
        let taken = !held.isEmpty
        defer { if taken { context.fireChannelReadComplete() } }
        while !held.isEmpty {
            if case .forwarding = state { return }
            take(held.removeFirst(), context: context)
        }
        if case .forwarding = state { return }
        if readWaiting {
            readWaiting = false
            context.read()
        }
    }

    /// The client closed its side, or the connection went: a request forwarded from here is cut.
    private func clientLeft() {
        guard case .forwarding(let forward) = state else { return }
        state = .idle
        held.removeAll()
        forward.cancel()
    }
}
