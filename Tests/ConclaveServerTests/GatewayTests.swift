import AsyncHTTPClient
import ConclaveCore
import ConclaveStore
import ConclaveTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The OpenAI-compatible endpoint over real HTTP, with a local OpenAI-style responder as the upstream:
/// forwarding and its stream, fallback to the next-ranked expert, a recruited team's completion with its
/// `conclave` object, refusals in OpenAI's error shape, the store's record of every request, and a client
/// that goes away mid-stream.
@Suite(.serialized) struct GatewayTests {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var text: String
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func post(_ client: HTTPClient, _ url: String, _ body: String, token: String = "secret") async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        return Reply(
            status: Int(response.status.code),
            headers: response.headers,
            text: String(buffer: try await response.body.collect(upTo: 1 << 22))
        )
    }

    static func body(_ model: String, stream: Bool = false, extra: String = "") -> String {
        #"{"model": "\#(model)", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is the capital of France?"}], "stream": \#(stream)\#(extra)}"#
    }

    /// The content of a stream of chat completion chunks, whether a chunk carried usage, whether it
    /// ended with `[DONE]`, and how many chunks carried text.
    static func reassemble(_ text: String) -> (content: String, usage: Bool, done: Bool, pieces: Int) {
        var content = ""
        var usage = false
        var done = false
        var pieces = 0
        for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
            let payload = line.dropFirst(6)
            if payload == "[DONE]" {
                done = true
                continue
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { continue }
            if object["usage"] is [String: Any] { usage = true }
            let delta = ((object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
            if let piece = delta?["content"] as? String, !piece.isEmpty {
                content += piece
                pieces += 1
            }
        }
        return (content, usage, done, pieces)
    }

    @Test func aSingleExpertIsForwardedAndItsStreamRelayedAndBothAreStored() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, client, store in
            let plain = try await post(client, "\(base)/v1/chat/completions", Self.body("solo"))
            #expect(plain.status == 200, "\(plain.text)")
            let message = ((plain.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(message == "The capital is Paris, answer (A).")
            #expect(plain.headers.first(name: "X-Conclave-Expert") == "up")
            let id = try #require(plain.headers.first(name: "X-Conclave-Instance"))
            let result = try #require(try await GatewayFixture.stored(store, run: "gateway-solo", instance: id))
            #expect(result.finalAnswer == message && result.inputTokens == 20 && result.outputTokens == 6 && result.cost > 0)
            #expect(try store.decisions(run: "gateway-solo", instances: [id])[id]?.plan.mode == .single)

            let streamed = try await post(
                client,
                "\(base)/v1/chat/completions",
                Self.body("solo", stream: true, extra: #", "stream_options": {"include_usage": true}"#)
            )
            #expect(streamed.status == 200 && streamed.headers.first(name: "Content-Type") == "text/event-stream")
            let (content, usage, done, _) = Self.reassemble(streamed.text)
            #expect(content == message && usage && done)
            let streamID = try #require(streamed.headers.first(name: "X-Conclave-Instance"))
            let streamResult = try #require(try await GatewayFixture.stored(store, run: "gateway-solo", instance: streamID))
            #expect(streamResult.finalAnswer == content && streamResult.outputTokens == 6)
            #expect(fixture.responder.requests(model: "model-up") == 2, "the upstream gets the expert's own model name")

            var models = HTTPClientRequest(url: "\(base)/v1/models")
            models.headers.add(name: "Authorization", value: "Bearer secret")
            let listed = String(buffer: try await client.execute(models, timeout: .seconds(5)).body.collect(upTo: 1 << 16))
            let names = (((try? JSONSerialization.jsonObject(with: Data(listed.utf8))) as? [String: Any])?["data"] as? [[String: Any]])?.compactMap {
                $0["id"] as? String
            }
            #expect(names == ["failover", "solo", "team"])
        }
    }

    @Test func aFailingExpertFallsBackToTheNextRankedOneAndTheDecisionSaysSo() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, client, store in
            let reply = try await post(client, "\(base)/v1/chat/completions", Self.body("failover"))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.headers.first(name: "X-Conclave-Expert") == "up")
            #expect(fixture.responder.requests(model: "model-down") == 2, "two attempts on the failing expert first")
            let id = try #require(reply.headers.first(name: "X-Conclave-Instance"))
            _ = try await GatewayFixture.stored(store, run: "gateway-failover", instance: id)
            let decision = try #require(try store.decisions(run: "gateway-failover", instances: [id])[id])
            #expect(decision.recruitment.team == ["down"])
            #expect(decision.fallbacks?.first?.hasPrefix("down failed 2 time(s) (HTTP 503") == true, "\(decision.fallbacks ?? [])")
        }
    }

    @Test func aRecruitedTeamAnswersWithItsDecisionAndCostsAndStreamsTheSameAnswer() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, client, store in
            let reply = try await post(client, "\(base)/v1/chat/completions", Self.body("team"))
            #expect(reply.status == 200, "\(reply.text)")
            let conclave = try #require(reply.json["conclave"] as? [String: Any])
            let calls = try #require(conclave["calls"] as? [[String: Any]])
            #expect(calls.count == 3 && calls.allSatisfy { ($0["cost"] as? Double ?? 0) > 0 })
            let decision = try #require(conclave["decision"] as? [String: Any])
            #expect(((decision["recruitment"] as? [String: Any])?["team"] as? [String])?.sorted() == ["judge", "up"])
            let usage = try #require(reply.json["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 60 && usage["completion_tokens"] as? Int == 18 && usage["total_tokens"] as? Int == 78)
            let answer = ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(answer == "The capital is Paris, answer (A).")
            let id = try #require(reply.json["id"] as? String)
            #expect(try store.result(run: "gateway-team", instance: id)?.finalAnswer == answer)
            #expect(try store.calls(run: "gateway-team", instance: id).count == 3)

            // Streamed, the final answer comes as its model generates it: the judge's six words, or the last
            // agent's in a chain; the finish carries the `conclave` object.
            for model in ["team", "team/chain"] {
                let streamed = try await post(
                    client,
                    "\(base)/v1/chat/completions",
                    Self.body(model, stream: true, extra: #", "stream_options": {"include_usage": true}"#)
                )
                let (content, hasUsage, done, pieces) = Self.reassemble(streamed.text)
                #expect(streamed.status == 200 && content == answer && hasUsage && done, "\(model): \(streamed.text)")
                #expect(pieces == 6 && streamed.text.contains("\"conclave\""), "\(model): \(streamed.text)")
                let id = try #require(streamed.headers.first(name: "X-Conclave-Instance"))
                #expect(try store.result(run: "gateway-team", instance: id)?.finalAnswer == content)
            }
        }
    }

    @Test func refusalsComeInOpenAIsShapeBeforeAnyUpstreamCall() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, client, _ in
            let url = "\(base)/v1/chat/completions"
            let tooMany = try await post(client, url, Self.body("solo", extra: #", "max_tokens": 200000"#))
            #expect(tooMany.status == 429 && tooMany.errorCode == "rate_limit_exceeded", "\(tooMany.text)")
            let broke = try await post(client, url, Self.body("solo", extra: #", "max_tokens": 5000"#))
            #expect(broke.status == 429 && broke.errorCode == "insufficient_quota", "\(broke.text)")
            #expect(fixture.responder.requests == 0, "a refused request makes no upstream call")
            let unknown = try await post(client, url, Self.body("nope"))
            #expect(unknown.status == 404 && unknown.errorCode == "model_not_found")
            let badMode = try await post(client, url, Self.body("team/committee"))
            #expect(badMode.status == 400 && (badMode.json["error"] as? [String: Any])?["param"] as? String == "model")
            let garbage = try await post(client, url, "{not json")
            #expect(garbage.status == 400)
            let noUser = try await post(client, url, #"{"model": "solo", "messages": [{"role": "system", "content": "x"}]}"#)
            #expect(noUser.status == 400 && (noUser.json["error"] as? [String: Any])?["param"] as? String == "messages")
            let stranger = try await post(client, url, Self.body("solo"), token: "wrong")
            #expect(stranger.status == 401)
        }
    }

    @Test func aClientThatLeavesMidStreamCancelsTheUpstreamStream() async throws {
        let fixture = try GatewayFixture(chunkDelay: .milliseconds(200))
        try await fixture.run { base, client, store in
            try await Self.leaveStream(client, base: base, model: "solo") { _ in true }  // after the first event
            for _ in 0..<100 where fixture.responder.abandonedStreams == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(fixture.responder.abandonedStreams == 1, "the upstream's stream was cut when the client left")
            let run = try await GatewayFixture.waitForResults(store, run: "gateway-solo", count: 1)
            #expect(run?.failed == 1)
        }
    }

    @Test func aClientThatLeavesARecruitedStreamCancelsTheRun() async throws {
        let fixture = try GatewayFixture(chunkDelay: .milliseconds(200))
        try await fixture.run { base, client, store in
            try await Self.leaveStream(client, base: base, model: "team") { $0.contains("\"content\":\"The") }  // after the first word
            for _ in 0..<100 where fixture.responder.abandonedStreams == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(fixture.responder.abandonedStreams == 1, "the aggregator's stream was cut when the client left")
            #expect(try store.run("gateway-team")?.answered ?? 0 == 0)
        }
    }

    @Test func aClientThatLeavesARecruitedRequestWithoutAStreamCancelsTheRun() async throws {
        let fixture = try GatewayFixture(delay: .milliseconds(800))
        try await fixture.run { base, client, store in
            // The client gives up while the agents are still answering (each takes 0.8 s).
            await Self.leave(client, base: base, model: "team", after: .milliseconds(300))
            // Long enough for a run that went on to answer: its agents, then its aggregator.
            try await Task.sleep(for: .seconds(3))
            #expect(fixture.responder.requests < 3, "the run stopped before its third call, the aggregator's")
            let run = try store.run("gateway-team")
            #expect(run?.answered ?? 0 == 0, "\(String(describing: run))")
        }
    }

    @Test func aClientThatLeavesAForwardedRequestWithoutAStreamCancelsItsUpstreamCall() async throws {
        let fixture = try GatewayFixture(delay: .seconds(2))
        try await fixture.run { base, client, store in
            await Self.leave(client, base: base, model: "solo", after: .milliseconds(300))
            // Recorded as failed once the client left, well before the upstream's 2 s...
            let run = try #require(try await GatewayFixture.waitForResults(store, run: "gateway-solo", count: 1))
            #expect(run.answered == 0 && run.failed == 1, "\(run)")
            // ...and never answered: the upstream call was cut.
            try await Task.sleep(for: .seconds(2.5))
            #expect(try store.run("gateway-solo")?.answered == 0)
            var failures: [String] = []
            try store.forEachResult(run: "gateway-solo") { failures.append($0.failureReason ?? "") }
            #expect(failures.count == 1 && failures[0].contains("the client left"), "\(failures)")
        }
    }

    /// Asks `model` without a stream and goes away (closing the connection) when `after` has passed.
    static func leave(_ client: HTTPClient, base: String, model: String, after: TimeAmount) async {
        var request = HTTPClientRequest(url: "\(base)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer secret")
        request.body = .bytes(ByteBuffer(string: body(model)))
        await #expect(throws: (any Error).self) { _ = try await client.execute(request, timeout: after) }
    }

    /// Opens a stream of `model` and goes away once a chunk satisfies `enough`.
    static func leaveStream(_ client: HTTPClient, base: String, model: String, once enough: @escaping @Sendable (String) -> Bool) async throws {
        var request = HTTPClientRequest(url: "\(base)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer secret")
        request.body = .bytes(ByteBuffer(string: body(model, stream: true)))
        let reading = Task {
            let response = try await client.execute(request, timeout: .seconds(30))
            var iterator = response.body.makeAsyncIterator()
            while let chunk = try await iterator.next(), !enough(String(buffer: chunk)) {}
        }
        try await reading.value
    }
}
