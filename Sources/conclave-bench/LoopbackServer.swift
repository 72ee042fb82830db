import NIOCore
import NIOPosix

/// A server the gateway benchmark starts in its own process: listening on a free loopback port, on the
/// process's shared event loops, with Nagle's algorithm off on every connection.
///
/// ```swift
/// let server = try LoopbackServer { channel in
///     channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(MyHandler()) }
/// }
/// defer { server.stop() }
/// server.port  // where it listens
/// ```
final class LoopbackServer: Sendable {
    let port: Int
    private let channel: any Channel

    /// Binds the server; `setUp` readies each accepted connection. With `readsAtOnce` false a
    /// connection is not read until `setUp` turns its `autoRead` on.
    init(readsAtOnce: Bool = true, setUp: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) throws {
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: readsAtOnce)
            .childChannelInitializer(setUp)
            .bind(host: "127.0.0.1", port: 0)
            .wait()
        port = channel.localAddress?.port ?? 0
    }

    func stop() { try? channel.close().wait() }
}
