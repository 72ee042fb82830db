import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive HTTP/1.1 connections to plain-HTTP upstreams, the pass-through's client: a request takes an
/// idle connection to its upstream on its event loop (or opens one there), writes itself, and hands the
/// connection back once its answer is complete. A request sent on a kept connection that the upstream had
/// closed meanwhile is sent again on a new one; nothing else is retried here (the pass-through's retries
/// and fallbacks are its own). Leaner than a general client: no TLS, no redirects, no proxy; HTTPS
/// upstreams go through AsyncHTTPClient instead (`Upstream`).
///
/// From an event loop (`PassThroughHandler`), `start` sends on that loop's connections and answers with a
/// future, with no hop between threads; from a task, `send` does the same on a loop of the group.
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

    /// A request as it is sent (again, when a kept connection turns out closed).
    private struct Outgoing: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
        var address: Address
        var streaming: Bool
        var timeout: TimeAmount
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

    /// Sends the request from `loop` (call it there) on a connection of that loop, and returns at once;
    /// the attempt's future gets the answer: whole, or (`streaming`) as soon as its head arrives with the
    /// body to follow. It fails with `UpstreamExchange.Failure` or a connect error.
    func start(
        _ head: HTTPRequestHead,
        body: ByteBuffer,
        to address: Address,
        on loop: any EventLoop,
        streaming: Bool,
        timeout: Duration
    ) -> UpstreamAttempt {
        let attempt = UpstreamAttempt(loop: loop)
        begin(attempt, Outgoing(head: head, body: body, address: address, streaming: streaming, timeout: Self.timeAmount(timeout)))
        return attempt
    }

    /// `start` from a task: the request goes out on a kept connection of any loop, or a new one on one of
    /// the group's loops. A cancelled task closes its connection and throws `CancellationError`.
    func send(_ head: HTTPRequestHead, body: ByteBuffer, to address: Address, streaming: Bool, timeout: Duration) async throws -> UpstreamResponse {
        let kept = takeIdle(address, on: nil)
        let loop = kept?.channel.eventLoop ?? group.any()
        let attempt = UpstreamAttempt(loop: loop)
        let outgoing = Outgoing(head: head, body: body, address: address, streaming: streaming, timeout: Self.timeAmount(timeout))
        loop.execute { self.begin(attempt, outgoing, kept: kept) }
        return try await withTaskCancellationHandler {
            do {
                return try await attempt.response.get()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        } onCancel: {
            attempt.cancel()
        }
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

    /// Idle connections kept for `address` now, over every event loop.
    func idleCount(for address: Address) -> Int {
        idle.withLock { $0[address]?.filter(\.channel.isActive).count ?? 0 }
    }

    /// Sends `outgoing` for `attempt` on `kept` (a connection of the attempt's loop), else on a kept
    /// connection of that loop, else on a new one there; on the attempt's loop.
    private func begin(_ attempt: UpstreamAttempt, _ outgoing: Outgoing, kept: Connection? = nil) {
        let loop = attempt.loop
        if let kept = kept ?? takeIdle(outgoing.address, on: loop) {
            guard attempt.using(kept.channel) else {
                keep(kept.exchange.value, on: kept.channel, for: outgoing.address)
                return
            }
            let answer = loop.makePromise(of: UpstreamResponse.self)
            kept.exchange.value.start(outgoing.head, body: outgoing.body, streaming: outgoing.streaming, timeout: outgoing.timeout, promise: answer)
            answer.futureResult.whenComplete { result in
                if case .failure(UpstreamExchange.Failure.closedBeforeAnswer) = result, !attempt.isCancelled {
                    self.begin(attempt, outgoing)  // the upstream had closed it: the next kept one, or a new one
                } else {
                    attempt.complete(result)
                }
            }
            return
        }
        connect(outgoing.address, on: loop).whenComplete { result in
            switch result {
            case .failure(let error):
                attempt.complete(.failure(error))
            case .success(let opened):
                guard attempt.using(opened.channel) else {
                    opened.channel.close(promise: nil)
                    return
                }
                let answer = loop.makePromise(of: UpstreamResponse.self)
                opened.exchange.value.start(
                    outgoing.head,
                    body: outgoing.body,
                    streaming: outgoing.streaming,
                    timeout: outgoing.timeout,
                    promise: answer
                )
                answer.futureResult.whenComplete { attempt.complete($0) }
            }
        }
    }

    /// A new connection to `address` on `loop`, its HTTP handlers in place.
    private func connect(_ address: Address, on loop: any EventLoop) -> EventLoopFuture<Connection> {
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: address.host, port: address.port)
            .flatMap { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The head's fields are checked before it is made (`PlainURL`, `LiveConnector`'s API key).
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    let exchange = UpstreamExchange { [weak self] exchange, channel in self?.keep(exchange, on: channel, for: address) }
                    try channel.pipeline.syncOperations.addHandler(exchange)
                    return Connection(channel: channel, exchange: NIOLoopBound(exchange, eventLoop: channel.eventLoop))
                }
                .flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
    }

    /// A kept connection to `address` on `loop` (on any loop when nil), taken out of the idle ones; the
    /// closed ones met on the way are dropped.
    private func takeIdle(_ address: Address, on loop: (any EventLoop)?) -> Connection? {
        idle.withLock { idle in
            guard var connections = idle.removeValue(forKey: address) else { return nil }
            defer { idle[address] = connections }
            var index = connections.count - 1
            while index >= 0 {
                let connection = connections[index]
                if !connection.channel.isActive {
                    connections.swapAt(index, connections.count - 1)
                    connections.removeLast()
                } else if loop == nil || connection.channel.eventLoop === loop {
                    connections.swapAt(index, connections.count - 1)
                    return connections.removeLast()
                }
                index -= 1
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

    private static func timeAmount(_ timeout: Duration) -> TimeAmount {
        .nanoseconds(Int64(min(timeout.inSeconds, 1e9) * 1e9))
    }
}
