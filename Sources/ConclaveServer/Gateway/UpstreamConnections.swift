import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive HTTP/1.1 connections to plain-HTTP upstreams, the pass-through's client: a request takes an
/// idle connection to its upstream (or opens one), writes itself, and hands the connection back once its
/// answer is complete. A request sent on a kept connection that the upstream had closed meanwhile is sent
/// again on a new one; nothing else is retried here (the pass-through's retries and fallbacks are its
/// own). Leaner than a general client: no TLS, no redirects, no proxy; HTTPS upstreams go through
/// AsyncHTTPClient instead (`Upstream`).
///
/// ```swift
/// let connections = UpstreamConnections()
/// let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions", headers: headers)
/// let response = try await connections.send(head, body: body, to: .init(host: "127.0.0.1", port: 8080), streaming: false, timeout: .seconds(30))
/// ```
final class UpstreamConnections: Sendable {
    /// Where an upstream listens.
    struct Address: Hashable, Sendable {
        var host: String
        var port: Int
    }

    /// An open connection and its handler (reached on the connection's event loop).
    private struct Connection: Sendable {
        let channel: any Channel
        let exchange: NIOLoopBound<UpstreamExchange>
    }

    private let group: any EventLoopGroup
    private let idle = Mutex<[Address: [Connection]]>([:])
    /// The URLs split so far (an upstream's URL is the same for every request to it).
    private let splits = Mutex<[String: PlainURL?]>([:])
    /// Kept idle connections per upstream; more are closed when their answer is done.
    let keptPerUpstream: Int

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, keptPerUpstream: Int = 256) {
        self.group = group
        self.keptPerUpstream = keptPerUpstream
    }

    /// Sends the request and returns the answer: whole, or (`streaming`) as soon as its head arrives with
    /// the body to follow. Throws `UpstreamExchange.Failure` (or a connect error); a cancelled task closes
    /// its connection and throws `CancellationError`.
    func send(_ head: HTTPRequestHead, body: ByteBuffer, to address: Address, streaming: Bool, timeout: Duration) async throws -> UpstreamResponse {
        while let kept = takeIdle(address) {
            do {
                return try await exchange(head, body: body, on: kept, streaming: streaming, timeout: timeout)
            } catch UpstreamExchange.Failure.closedBeforeAnswer {
                continue  // the upstream had closed it: the next kept one, or a new one
            }
        }
        let opened = try await connect(address)
        return try await exchange(head, body: body, on: opened, streaming: streaming, timeout: timeout)
    }

    /// `url` split for these connections, nil when it is not a plain `http://` URL; each URL is parsed once
    /// (a few hundred are remembered).
    func split(_ url: String) -> PlainURL? {
        if let known = splits.withLock({ $0[url] }) { return known }
        let parsed = PlainURL(url)
        splits.withLock { splits in
            if splits.count >= 256 { splits.removeAll() }
            splits[url] = parsed
        }
        return parsed
    }

    /// Closes every idle connection (those in use close when their answer is done and none is kept).
    func closeIdle() {
        let all = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        for connection in all { connection.channel.close(promise: nil) }
    }

    /// Idle connections kept for `address` now.
    func idleCount(for address: Address) -> Int {
        idle.withLock { $0[address]?.filter(\.channel.isActive).count ?? 0 }
    }

    private func exchange(
        _ head: HTTPRequestHead,
        body: ByteBuffer,
        on connection: Connection,
        streaming: Bool,
        timeout: Duration
    ) async throws -> UpstreamResponse {
        let channel = connection.channel
        let promise = channel.eventLoop.makePromise(of: UpstreamResponse.self)
        let limit = TimeAmount.nanoseconds(Int64(min(timeout.inSeconds, 1e9) * 1e9))
        channel.eventLoop.execute {
            connection.exchange.value.start(head, body: body, streaming: streaming, timeout: limit, promise: promise)
        }
        return try await withTaskCancellationHandler {
            do {
                return try await promise.futureResult.get()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    private func connect(_ address: Address) async throws -> Connection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: address.host, port: address.port)
            .get()
        do {
            return try await channel.eventLoop.submit { [self] in
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                let exchange = UpstreamExchange { [weak self] exchange, channel in self?.keep(exchange, on: channel, for: address) }
                try channel.pipeline.syncOperations.addHandler(exchange)
                return Connection(channel: channel, exchange: NIOLoopBound(exchange, eventLoop: channel.eventLoop))
            }.get()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private func takeIdle(_ address: Address) -> Connection? {
        idle.withLock { idle in
            while let connection = idle[address]?.popLast() {
                if connection.channel.isActive { return connection }
            }
            return nil
        }
    }

    /// Called on the connection's event loop when an answer is complete and the connection may be kept.
    private func keep(_ exchange: UpstreamExchange, on channel: any Channel, for address: Address) {
        let connection = Connection(channel: channel, exchange: NIOLoopBound(exchange, eventLoop: channel.eventLoop))
        let kept = idle.withLock { idle in
            guard idle[address, default: []].count < keptPerUpstream else { return false }
            idle[address, default: []].append(connection)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }
}
