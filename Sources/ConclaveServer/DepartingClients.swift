import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1
import Synchronization

/// The requests in progress on the server's connections that are worth stopping when their client leaves
/// (a recruited request to the OpenAI-compatible endpoint runs several model calls). Nothing reads a
/// connection while its request is worked on, so Hummingbird does not notice a client leave until the
/// answer is written; `DepartingClients.Channel` reports the connection's closing here instead, as soon
/// as the client closes its side (as Go's HTTP server cancels a request's context when its client goes).
///
/// ```swift
/// let departures = Departures()
/// let app = Application(router: router, server: DepartingClients.http1(departures))
/// // in a route:
/// let answer = try await departures.cancelling(on: context.channel) { try await longWork() }
/// ```
public final class Departures: Sendable {
    private struct State {
        /// How to cancel the request in progress, by connection.
        var inProgress: [ObjectIdentifier: @Sendable () -> Void] = [:]
        /// Connections whose client left while none of their requests was registered here yet (it may be
        /// about to be: the request was read before the client went).
        var departed: Set<ObjectIdentifier> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` in a task of its own, cancelled if the client of `channel` leaves before it ends (and
    /// when the caller is cancelled).
    func cancelling<Result: Sendable>(on channel: any Channel, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await cancelling(connection: ObjectIdentifier(channel), open: channel.isActive, body)
    }

    /// `cancelling(on:_:)` for the connection with this identity, `open` false when it is closed already.
    func cancelling<Result: Sendable>(
        connection: ObjectIdentifier,
        open: Bool,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let work = Task { try await body() }
        let gone = state.withLock { state in
            state.inProgress[connection] = { work.cancel() }
            return state.departed.contains(connection)
        }
        defer { state.withLock { _ = $0.inProgress.removeValue(forKey: connection) } }
        if gone || !open { work.cancel() }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }

    /// The client of a connection stopped sending: its request in progress, if any, is cancelled, and so
    /// is one that registers later.
    func left(_ connection: ObjectIdentifier) {
        let cancel = state.withLock { state in
            state.departed.insert(connection)
            return state.inProgress.removeValue(forKey: connection)
        }
        cancel?()
    }

    /// A connection closed: its request in progress, if any, is cancelled, and its identity forgotten
    /// (another connection may have it next).
    func closed(_ connection: ObjectIdentifier) {
        let cancel = state.withLock { state in
            state.departed.remove(connection)
            return state.inProgress.removeValue(forKey: connection)
        }
        cancel?()
    }
}

/// HTTP/1 as Hummingbird serves it, with `Departures` told when a client closes its side of the
/// connection or the connection goes, and `handlers` (made for each connection) between NIO's HTTP codec
/// and Hummingbird's conversion of its parts to Swift HTTP Types: they see `HTTPServerRequestPart`s and
/// `HTTPServerResponsePart`s.
enum DepartingClients {
    static func http1(_ departures: Departures, handlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            Channel(http1: HTTP1Channel(responder: responder), departures: departures, handlers: handlers)
        }
    }

    /// `HTTP1Channel` with `Watch` in front of its handlers, and `handlers` before its conversion to Swift
    /// HTTP Types.
    struct Channel: ServerChildChannel {
        let http1: HTTP1Channel
        let departures: Departures
        let handlers: @Sendable () -> [any RemovableChannelHandler]

        func setup(channel: any NIOCore.Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(Watch(departures: departures))
            }
            .flatMap { http1.setup(channel: channel, logger: logger) }
            .flatMapThrowing { value in
                let conversion = try channel.pipeline.syncOperations.context(handlerType: HTTP1ToHTTPServerCodec.self)
                try channel.pipeline.syncOperations.addHandlers(handlers(), position: .before(conversion.handler))
                return value
            }
        }

        func handle(value: HTTP1Channel.Value, logger: Logger) async { await http1.handle(value: value, logger: logger) }
    }

    /// Tells `departures` when the client stops sending or the connection closes; passes everything on.
    final class Watch: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let departures: Departures

        init(departures: Departures) { self.departures = departures }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed { departures.left(ObjectIdentifier(context.channel)) }
            context.fireUserInboundEventTriggered(event)
        }

        func channelInactive(context: ChannelHandlerContext) {
            departures.closed(ObjectIdentifier(context.channel))
            context.fireChannelInactive()
        }
    }
}
