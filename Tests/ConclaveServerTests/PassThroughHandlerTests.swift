import ConclaveCore
import ConclaveTesting
import Foundation
import NIOCore
import NIOHTTP1
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
                var headers = HTTPHeaders([("Host", url.hostHeader), ("Authorization", "Bearer secret")])
                if request.close { headers.add(name: "Connection", value: "close") }
                let body = request.body.map { ByteBuffer(string: $0) }
                if let body {
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(body.readableBytes))
                }
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: headers)))
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
                if answers.count == requests.count, !(requests.last?.close ?? false) {
                    closed = false
                    break
                }
            }
            return (answers, closed && !timedOut.withLock { $0 })
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
