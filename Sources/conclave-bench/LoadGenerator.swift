import NIOCore
import NIOPosix

/// Closed-loop HTTP load: `connections` clients each send a request, wait for the whole answer, and send
/// the next, for a fixed time; the figures are requests per second and the latency percentiles of the
/// successful ones. Every target of a comparison gets the same client, body and concurrency.
///
/// Each client is one keep-alive connection driven on the process's shared event loops, its request's
/// bytes made once and each answer framed from its bytes (`HTTPFrame`) rather than parsed, so that the
/// load itself takes as little of the machine as it can: the cores it leaves go to the server measured.
///
/// ```swift
/// let load = LoadGenerator(port: 8080, path: "/v1/chat/completions", body: #"{"model": "pass", ...}"#)
/// let (figures, _) = await load.run(connections: 64, duration: .seconds(15))
/// figures.perSecond  // requests answered with 2xx per second
/// ```
struct LoadGenerator: Sendable {
    struct Figures {
        var requests: Int
        var failures: Int
        var seconds: Double
        /// Latencies in milliseconds, sorted.
        var latencies: [Double]

        var perSecond: Double { Double(requests) / max(seconds, 1e-9) }

        /// Adds another run's figures (its requests, failures, time and latencies) to these.
        mutating func add(_ other: Figures) {
            requests += other.requests
            failures += other.failures
            seconds += other.seconds
            latencies = (latencies + other.latencies).sorted()
        }

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((p * Double(latencies.count - 1)).rounded()))]
        }
    }

    let port: Int
    let path: String
    let body: String

    /// Runs the load for `duration`; a first failure's description is kept for the report.
    func run(connections: Int, duration: Duration) async -> (figures: Figures, firstFailure: String?) {
        let started = NIODeadline.now()
        let deadline = started + .nanoseconds(Int64(duration.inSeconds * 1e9))
        let request = Request(port: port, path: path, body: body)
        let results = await withTaskGroup(of: Tally.self) { group in
            for _ in 0..<connections {
                group.addTask { await Self.client(request, until: deadline) }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        let latencies = results.flatMap(\.latencies).sorted()
        let figures = Figures(requests: latencies.count, failures: results.map(\.failures).reduce(0, +), seconds: seconds, latencies: latencies)
        return (figures, results.compactMap(\.first).first)
    }

    /// One client until the deadline: a connection, and a new one whenever the server closes it or it
    /// cannot be made (after a pause, so that a server not yet listening is not hammered).
    private static func client(_ request: Request, until deadline: NIODeadline) async -> Tally {
        var tally = Tally()
        while NIODeadline.now() < deadline {
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: "127.0.0.1", port: request.port)
                    .get()
                let done = channel.eventLoop.makePromise(of: Tally.self)
                do {
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(ClosedLoop(request: request, deadline: deadline, done: done))
                    }.get()
                } catch {
                    // No handler will complete the promise or close the connection.
                    done.fail(error)
                    try? await channel.close()
                    throw error
                }
                tally.add(try await done.futureResult.get())
            } catch {
                tally.fail("\(error)")
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return tally
    }

    /// A request's bytes, made once for every client.
    private struct Request: Sendable {
        let port: Int
        let bytes: ByteBuffer

        init(port: Int, path: String, body: String) {
            self.port = port
            let head =
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            bytes = ByteBuffer(string: head + body)
        }
    }

    /// What one client saw: the latencies of its successful requests (ms) and its failures.
    private struct Tally: Sendable {
        var latencies: [Double] = []
        var failures = 0
        var first: String?

        mutating func fail(_ why: String) {
            failures += 1
            first = first ?? why
        }

        mutating func add(_ other: Tally) {
            latencies += other.latencies
            failures += other.failures
            first = first ?? other.first
        }
    }

    /// Sends the request, reads the answer to its end (`HTTPFrame`), and sends it again until the
    /// deadline; then closes the connection and hands over its tally (also when the server closed it
    /// first).
    private final class ClosedLoop: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let request: Request
        private let deadline: NIODeadline
        private let done: EventLoopPromise<Tally>
        private var tally = Tally()
        private var sent = NIODeadline.now()
        private var waiting = false
        /// The answer's bytes so far, when it came in more than one read.
        private var pending: ByteBuffer?

        init(request: Request, deadline: NIODeadline, done: EventLoopPromise<Tally>) {
            self.request = request
            self.deadline = deadline
            self.done = done
        }

        func handlerAdded(context: ChannelHandlerContext) {
            guard context.channel.isActive else {
                tally.fail("the server closed the connection")
                done.succeed(tally)
                return
            }
            send(context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard waiting else { return }
            let bytes = HTTPFrame.joining(&pending, unwrapInboundIn(data))
            let frame: HTTPFrame
            do {
                guard let found = try HTTPFrame.find(in: bytes, answer: true) else {
                    pending = bytes
                    return
                }
                frame = found
            } catch {
                tally.fail("\(error)")
                waiting = false
                context.close(promise: nil)
                return
            }
            waiting = false
            if (200..<300).contains(frame.status) {
                tally.latencies.append(Double((NIODeadline.now() - sent).nanoseconds) / 1e6)
            } else {
                tally.fail("HTTP \(frame.status)")
            }
            if !frame.closes, NIODeadline.now() < deadline { send(context) } else { context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if waiting { tally.fail("\(error)") }
            waiting = false
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if waiting { tally.fail("the server closed the connection before answering") }
            done.succeed(tally)
        }

        private func send(_ context: ChannelHandlerContext) {
            waiting = true
            sent = NIODeadline.now()
            context.writeAndFlush(wrapOutboundOut(request.bytes), promise: nil)
        }
    }
}
