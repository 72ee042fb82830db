import ConclaveLLM
import ConclaveTesting
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import ConclaveServer

/// The pass-through's own client over real loopback HTTP: answers whole and streamed, a connection kept
/// and used again, a kept connection the upstream closed replaced, a timeout, a refused connection, and a
/// cancelled request that closes its connection.
@Suite struct UpstreamConnectionsTests {
    static let question = #"{"model": "m", "messages": [{"role": "user", "content": "2+2?"}]}"#
    static let streamed = #"{"model": "m", "messages": [{"role": "user", "content": "2+2?"}], "stream": true}"#

    func head(_ port: Int, body: ByteBuffer) -> HTTPRequestHead {
        let headers = HTTPHeaders([("Host", "127.0.0.1:\(port)"), ("Content-Type", "application/json"), ("Content-Length", "\(body.readableBytes)")])
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions", headers: headers)
    }

    /// The upstream's answer to one request, its body still to read.
    func open(
        _ connections: UpstreamConnections,
        port: Int,
        _ text: String = question,
        streaming: Bool = false,
        timeout: Duration = .seconds(10)
    ) async throws -> UpstreamResponse {
        let body = ByteBuffer(string: text)
        return try await connections.send(
            head(port, body: body),
            body: body,
            to: .init(host: "127.0.0.1", port: port),
            streaming: streaming,
            timeout: timeout
        )
    }

    /// A whole answer's body as text.
    func text(of response: UpstreamResponse) async throws -> String { String(buffer: try await response.body.collect(upTo: 1 << 20)) }

    @Test func answersComeWholeOnOneKeptConnection() async throws {
        let responder = OpenAIResponder(answer: "Four.")
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        defer { connections.closeIdle() }
        for _ in 0..<3 {
            let response = try await open(connections, port: port)
            #expect(response.status == 200)
            #expect(try await text(of: response).contains("Four."))
            if case .whole = response.body.source {} else { Issue.record("a request without a stream is read whole") }
        }
        #expect(connections.idleCount(for: .init(host: "127.0.0.1", port: port)) == 1)
        #expect(responder.requests == 3)
    }

    @Test func aRequestStartedOnAnEventLoopIsAnsweredThereOnAConnectionKeptForThatLoop() async throws {
        let responder = OpenAIResponder(answer: "Four.")
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        defer { connections.closeIdle() }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let address = UpstreamConnections.Address(host: "127.0.0.1", port: port)
        let body = ByteBuffer(string: Self.question)
        let head = head(port, body: body)
        for _ in 0..<3 {
            let (response, onLoop) = try await loop.flatSubmit {
                connections.start(head, body: body, to: address, on: loop, streaming: false, timeout: .seconds(10)).response.map {
                    ($0, loop.inEventLoop)
                }
            }.get()
            #expect(response.status == 200 && onLoop)
            #expect(String(buffer: response.body.whole ?? ByteBuffer()).contains("Four."))
        }
        #expect(connections.idleCount(for: address) == 1)
        #expect(responder.requests == 3)
    }

    @Test func aStreamComesPieceByPieceAndItsConnectionIsKeptAfterIt() async throws {
        let responder = OpenAIResponder(answer: "Two plus two is four.", chunkDelay: .milliseconds(5))
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        defer { connections.closeIdle() }
        let response = try await open(connections, port: port, Self.streamed, streaming: true)
        var pieces = 0
        var text = ""
        for try await piece in response.body {
            pieces += 1
            text += String(buffer: piece)
        }
        #expect(pieces > 1)
        #expect(GatewayTests.reassemble(text).content == "Two plus two is four.")
        #expect(GatewayTests.reassemble(text).done)
        #expect(connections.idleCount(for: .init(host: "127.0.0.1", port: port)) == 1)
    }

    @Test func aReaderThatStopsEarlyEndsTheStreamAtTheUpstream() async throws {
        let responder = OpenAIResponder(answer: "one two three four five six", chunkDelay: .milliseconds(100))
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        let response = try await open(connections, port: port, Self.streamed, streaming: true)
        for try await _ in response.body { break }  // the first piece only
        for _ in 0..<100 where responder.abandonedStreams == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(responder.abandonedStreams == 1)
        #expect(connections.idleCount(for: .init(host: "127.0.0.1", port: port)) == 0)
    }

    @Test func aKeptConnectionTheUpstreamClosedIsReplaced() async throws {
        let upstream = try ClosingUpstream.start()
        defer { upstream.stop() }
        let connections = UpstreamConnections()
        defer { connections.closeIdle() }
        for round in 0..<3 {
            let response = try await open(connections, port: upstream.port)
            #expect(response.status == 200, "round \(round)")
            #expect(try await text(of: response) == "ok")
            // The upstream closes each connection just after its answer, as an idle timeout would.
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func noAnswerInTimeIsATimeoutAndItsConnectionIsNotKept() async throws {
        let responder = OpenAIResponder(delay: .seconds(5))
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        let started = ContinuousClock.now
        await #expect(throws: UpstreamExchange.Failure.self) {
            _ = try await open(connections, port: port, timeout: .milliseconds(200))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(connections.idleCount(for: .init(host: "127.0.0.1", port: port)) == 0)
    }

    @Test func aClosedPortFailsAtOnce() async throws {
        let port = try FreePort.loopback()
        let connections = UpstreamConnections()
        await #expect(throws: (any Error).self) { _ = try await open(connections, port: port) }
    }

    @Test func aCancelledRequestClosesItsConnectionAndThrowsCancellation() async throws {
        let responder = OpenAIResponder(delay: .seconds(5))
        let port = try await responder.start()
        defer { responder.stop() }
        let connections = UpstreamConnections()
        let started = ContinuousClock.now
        let request = Task { try await open(connections, port: port) }
        try await Task.sleep(for: .milliseconds(200))
        request.cancel()
        await #expect(throws: CancellationError.self) { _ = try await request.value }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(connections.idleCount(for: .init(host: "127.0.0.1", port: port)) == 0)
    }

    @Test func plainURLsAreSplitAndOthersAreLeftToTheTLSClient() {
        let local = PlainURL("http://127.0.0.1:8080/v1/chat/completions")
        #expect(local?.address == .init(host: "127.0.0.1", port: 8080))
        #expect(local?.path == "/v1/chat/completions")
        #expect(local?.hostHeader == "127.0.0.1:8080")
        let bare = PlainURL("HTTP://upstream/v1/chat/completions?key=a%20b")
        #expect(bare?.address == .init(host: "upstream", port: 80))
        #expect(bare?.path == "/v1/chat/completions?key=a%20b")
        #expect(bare?.hostHeader == "upstream")
        let six = PlainURL("http://[::1]:8080/v1")
        #expect(six?.address == .init(host: "::1", port: 8080))
        #expect(six?.hostHeader == "[::1]:8080")
        #expect(PlainURL("https://api.example.com/v1/chat/completions") == nil)
        let connections = UpstreamConnections()
        for _ in 0..<2 {
            #expect(connections.split("http://127.0.0.1:8080/v1/chat/completions") == local)
            #expect(connections.split("https://api.example.com/v1/chat/completions") == nil)
        }
        #expect(PlainURL("http:///no-host") == nil)
        #expect(PlainURL("not a url") == nil)
    }
}

/// An upstream that answers `ok` with keep-alive and then closes the connection a moment later, as a
/// server whose idle timeout is short does.
private final class ClosingUpstream: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start() throws -> ClosingUpstream {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnswerThenClose())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .wait()
        return ClosingUpstream(channel: channel)
    }

    func stop() { channel.close(promise: nil) }

    private final class AnswerThenClose: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "2", "Connection": "keep-alive"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(10)) { bound.value.close(promise: nil) }
        }
    }
}
