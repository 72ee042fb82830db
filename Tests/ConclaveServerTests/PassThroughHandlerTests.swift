import ConclaveCore
import ConclaveEngine
import ConclaveTesting
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import ConclaveServer

/// The pass-through on the event loop (`PassThroughHandler`) in a running server, over one raw
/// connection: requests it forwards and requests it hands to Hummingbird, sent back to back without
/// waiting (HTTP pipelining), are answered in order and whole; `Connection: close` closes after the
/// answer; the `Date` header is RFC 9110's.
@Suite(.serialized) struct PassThroughHandlerTests {
    struct Answer {
        var head: HTTPResponseHead
        var body: String
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    }

    struct Outgoing {
        var method: HTTPMethod
        var uri: String
        var body: String?
        var close = false
        var token = "secret"
        var version = HTTPVersion.http1_1
        /// Whether the server should close the connection after answering it.
        var endsConnection: Bool { close || version == .http1_0 }
    }

    /// Writes every request at once on one connection, then reads the answers; also says whether the
    /// server closed the connection after the last (within 10 s).
    static func pipelined(_ base: String, _ requests: [Outgoing]) async throws -> (answers: [Answer], closed: Bool) {
        guard let url = PlainURL(base + "/") else { throw CancellationError() }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: url.address.host, port: url.address.port)
            .flatMap { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
            .get()
        let timedOut = Mutex(false)
        let watchdog = channel.channel.eventLoop.scheduleTask(in: .seconds(10)) { [channel] in
            timedOut.withLock { $0 = true }
            channel.channel.close(promise: nil)
        }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            for request in requests {
                var headers = HTTPHeaders([("Host", url.hostHeader), ("Authorization", "Bearer \(request.token)")])
                if request.close { headers.add(name: "Connection", value: "close") }
                let body = request.body.map { ByteBuffer(string: $0) }
                if let body {
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(body.readableBytes))
                }
                try await outbound.write(.head(HTTPRequestHead(version: request.version, method: request.method, uri: request.uri, headers: headers)))
                if let body { try await outbound.write(.body(.byteBuffer(body))) }
                try await outbound.write(.end(nil))
            }
            var answers: [Answer] = []
            var head: HTTPResponseHead?
            var body = ""
            var closed = true
            for try await part in inbound {
                switch part {
                case .head(let received): head = received
                case .body(let piece): body += String(buffer: piece)
                case .end:
                    if let head { answers.append(Answer(head: head, body: body)) }
                    (head, body) = (nil, "")
                }
                if answers.count == requests.count, !(requests.last?.endsConnection ?? false) {
                    closed = false
                    break
                }
            }
            return (answers, closed && !timedOut.withLock { $0 })
        }
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsForwardedAndItsConnectionClosedAfter() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, _, _ in
            let request = Outgoing(method: .POST, uri: "/v1/chat/completions", body: GatewayTests.body("solo"), version: .http1_0)
            let (answers, closed) = try await Self.pipelined(base, [request])
            try #require(answers.count == 1)
            #expect(answers[0].head.headers["X-Conclave-Expert"] == ["up"], "forwarded on the loop: \(answers[0].head)")
            #expect(answers[0].head.headers["Connection"] == ["close"])
            #expect(closed)
        }
    }

    @Test func forwardedAndHandedOverRequestsPipelinedOnOneConnectionAreAnsweredInOrder() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, _, store in
            let chat = "/v1/chat/completions"
            let (answers, closed) = try await Self.pipelined(
                base,
                [
                    Outgoing(method: .POST, uri: chat, body: GatewayTests.body("solo")),
                    Outgoing(method: .GET, uri: "/v1/models"),
                    Outgoing(method: .POST, uri: chat, body: GatewayTests.body("solo")),
                    Outgoing(method: .POST, uri: chat, body: GatewayTests.body("team")),
                    Outgoing(method: .POST, uri: chat, body: GatewayTests.body("solo", stream: true)),
                    Outgoing(method: .POST, uri: chat, body: GatewayTests.body("solo"), close: true),
                ]
            )
            try #require(answers.count == 6, "\(answers.map(\.head))")
            #expect(answers.allSatisfy { $0.head.status == .ok }, "\(answers.map(\.head.status))")
            for index in [0, 2, 5] {
                #expect(answers[index].head.headers["X-Conclave-Expert"] == ["up"])
                #expect(answers[index].json["object"] as? String == "chat.completion", "\(answers[index].body)")
                #expect(answers[index].head.headers["Content-Length"] == ["\(answers[index].body.utf8.count)"])
                let date = try #require(answers[index].head.headers.first(name: "Date"))
                #expect(HTTPDateTextTests.parse(date) != nil, "\(date)")
            }
            #expect(answers[1].json["object"] as? String == "list", "\(answers[1].body)")
            #expect(answers[3].json["conclave"] is [String: Any], "the recruited team: \(answers[3].body)")
            #expect(answers[4].body.hasSuffix("data: [DONE]\n\n"), "the stream, relayed by the route: \(answers[4].body)")
            #expect(closed, "Connection: close closes the connection after the answer")
            let ids = [0, 2, 5].compactMap { answers[$0].head.headers.first(name: "X-Conclave-Instance") }
            #expect(Set(ids).count == 3)
            let run = try #require(try await GatewayFixture.waitForResults(store, run: "gateway-solo", count: 4))
            #expect(run.answered == 4, "three forwarded and one streamed: \(run)")
            for id in ids { #expect(try await GatewayFixture.stored(store, run: "gateway-solo", instance: id)?.finalAnswer != nil) }
        }
    }
}

/// `PassThroughHandler` alone in front of Hummingbird's conversion to Swift HTTP Types and a stand-in for
/// Hummingbird that records what it is handed and answers 299: which requests are forwarded on the loop
/// and which are handed over, in order.
@Suite(.serialized) struct PassThroughRoutingTests {
    /// Records the requests handed to it and answers each with 299 and an empty body.
    final class StandIn: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPRequestPart
        typealias OutboundOut = HTTPResponsePart
        let handed = Mutex<[String]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): handed.withLock { $0.append("\(head.method) \(head.path ?? "")") }
            case .body: break
            case .end:
                context.write(wrapOutboundOut(.head(.init(status: .init(code: 299), headerFields: [.contentLength: "0"]))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// The fixture's server, not running, while `body` uses its parts; its clients are shut down after.
    static func withServer(_ fixture: GatewayFixture, upstream: Int, _ body: (JobServer, LiveConnector) async throws -> Void) async throws {
        let (server, connector, _) = try fixture.makeServer(upstream: upstream)
        func shutdown() async throws {
            await connector.shutdown()
            try await server.gateway.log.clients.shutdown()
        }
        do {
            try await body(server, connector)
        } catch {
            try await shutdown()
            throw error
        }
        try await shutdown()
    }

    @Test func onlyNonStreamedSingleExpertRequestsToHostedExpertsAreForwardedOnTheLoop() async throws {
        let fixture = try GatewayFixture()
        let upstream = try await fixture.responder.start()
        defer { fixture.responder.stop() }
        try await Self.withServer(fixture, upstream: upstream) { server, _ in try await forwardsOnlyWhatItShould(fixture, server) }
    }

    func forwardsOnlyWhatItShould(_ fixture: GatewayFixture, _ server: JobServer) async throws {
        let standIn = StandIn()
        let gateway = server.gateway
        let tokens = server.tokens
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
                    try channel.pipeline.syncOperations.addHandler(PassThroughHandler(gateway: gateway, tokens: tokens))
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandler(standIn)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { listener.close(promise: nil) }
        let chat = "/v1/chat/completions"
        let (answers, _) = try await PassThroughHandlerTests.pipelined(
            "http://127.0.0.1:\(listener.localAddress?.port ?? 0)",
            [
                .init(method: .POST, uri: chat, body: GatewayTests.body("solo")),
                .init(method: .POST, uri: chat, body: GatewayTests.body("solo", stream: true)),
                .init(method: .POST, uri: chat, body: GatewayTests.body("team")),
                .init(method: .GET, uri: "/v1/models"),
                .init(method: .POST, uri: chat, body: GatewayTests.body("solo"), token: "wrong"),
                .init(method: .POST, uri: chat, body: GatewayTests.body("nowhere")),
                .init(method: .POST, uri: chat, body: "{not json"),
                .init(method: .POST, uri: chat, body: GatewayTests.body("failover")),
                .init(method: .POST, uri: chat, body: GatewayTests.body("solo")),
            ]
        )
        try #require(answers.count == 9, "\(answers.map(\.head.status))")
        #expect(answers.map(\.head.status.code) == [200, 299, 299, 299, 299, 299, 299, 200, 200])
        #expect(standIn.handed.withLock { $0 } == ["POST \(chat)", "POST \(chat)", "GET /v1/models", "POST \(chat)", "POST \(chat)", "POST \(chat)"])
        for index in [0, 7, 8] {
            #expect(answers[index].head.headers["X-Conclave-Expert"] == ["up"], "\(index): \(answers[index].head)")
            #expect(answers[index].body.contains("Paris"), "\(index): \(answers[index].body)")
        }
        #expect(fixture.responder.requests == 5, "solo twice, and failover's down twice (attempts: 2) then up once")
    }

    @Test func onlyPipelinesWhoseModeMayComeOutSingleAreDecidedOnTheLoop() async throws {
        try await Self.withServer(try GatewayFixture(), upstream: 9) { server, _ in
            let pipelines = server.gateway.pipelines
            #expect(pipelines["solo"]?.mayPassThrough(mode: nil) == true)
            #expect(pipelines["failover"]?.mayPassThrough(mode: nil) == true)
            #expect(pipelines["team"]?.mayPassThrough(mode: nil) == false, "an ensemble with no policy, exploration or budget")
            #expect(pipelines["team"]?.mayPassThrough(mode: .single) == true, "team/single pins single")
            #expect(pipelines["solo"]?.mayPassThrough(mode: .debate) == false)
        }
    }

    @Test func theLiveConnectorHasAHostedExpertsEndpointAtHandButNotOneWhoseKeyIsMissing() async throws {
        try await Self.withServer(try GatewayFixture(), upstream: 9) { server, connector in
            let up = try #require(server.pipelines["solo"]?.registry.expert("up"))
            var keyed = up
            keyed.runtime = .openAI(baseURL: "http://127.0.0.1:9/v1", model: "m", apiKeyVariable: "CONCLAVE_TEST_UNSET_KEY")
            #expect(connector.readyEndpoint(for: up) == ExpertEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "model-up"))
            #expect(connector.readyEndpoint(for: keyed) == nil)
        }
    }

    @Test func aKeyThatWouldEndItsHeaderIsRefusedWithItsVariableNamed() async throws {
        let expert = Expert(
            id: "hosted",
            description: "",
            runtime: .openAI(baseURL: "http://127.0.0.1:9/v1", model: "m", apiKeyVariable: "CONCLAVE_TEST_KEY"),
            price: Price(inputPerMillion: 1, outputPerMillion: 1),
            contextWindow: 4096,
            maxConcurrency: 1,
            timeoutSeconds: 10,
            profile: Profile(skills: [:])
        )
        let workspace = try TemporaryWorkspace(prefix: "conclave-key")
        let connector = try LiveConnector(
            registry: Registry(experts: [expert], skills: [], roles: []),
            environment: ConfigEnvironment(variables: ["CONCLAVE_TEST_KEY": "sk-1\r\nX-Injected: 1"]),
            logDirectory: workspace.url("logs")
        )
        #expect(connector.readyEndpoint(for: expert) == nil)
        await #expect {
            _ = try await connector.endpoint(for: expert)
        } throws: { error in
            "\(error)"
                == "expert hosted needs its API key in the environment variable CONCLAVE_TEST_KEY, which holds a line break or another control character"
        }
        await connector.shutdown()
        #expect(PlainURL("http://up%0D%0Astream/v1") == nil, "a host with a line break")
    }
}

/// The `Date` header's text: the known instants, and agreement with Foundation's formatter over 2,000
/// seeded instants from 1970 to 2200.
@Suite struct HTTPDateTextTests {
    static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }

    static func parse(_ text: String) -> Date? { formatter().date(from: text) }

    @Test func knownInstants() {
        #expect(HTTPDateText.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateText.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")  // RFC 9110's example
        #expect(HTTPDateText.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        var date = HTTPDateText()
        let now = date.now()
        #expect(date.now() == now || Self.parse(date.now()) != nil)
        #expect(abs((Self.parse(now)?.timeIntervalSince1970 ?? 0) - Date().timeIntervalSince1970) < 5)
    }

    @Test func agreesWithFoundation() {
        let formatter = Self.formatter()
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<2_000 {
            let seconds = Int.random(in: 0..<7_258_118_400, using: &rng)
            #expect(HTTPDateText.format(seconds) == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))), "\(seconds)")
        }
    }
}
