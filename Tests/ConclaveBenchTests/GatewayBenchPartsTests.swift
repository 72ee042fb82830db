import AsyncHTTPClient
import ConclaveLLM
import ConclaveTesting
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import conclave_bench

/// The gateway benchmark's load generator, its static upstream and its bare relay, over real loopback
/// HTTP: what the benchmark's figures rest on.
@Suite struct GatewayBenchPartsTests {
    @Test func everyRequestToTheStaticResponderSucceedsAndIsTimed() async throws {
        let responder = try StaticResponder.start(answer: "The answer is (B).")
        defer { responder.stop() }
        let load = LoadGenerator(port: responder.port, path: "/v1/chat/completions", body: #"{"model": "m", "messages": []}"#)
        let (figures, failure) = await load.run(connections: 4, duration: .milliseconds(300))
        #expect(failure == nil)
        #expect(figures.failures == 0)
        #expect(figures.requests > 20)
        #expect(figures.latencies.count == figures.requests)
        #expect(figures.latencies.allSatisfy { $0 > 0 })
        #expect(figures.latencies == figures.latencies.sorted())
        #expect(figures.percentile(0.5) <= figures.percentile(0.99))
        #expect(abs(figures.perSecond - Double(figures.requests) / figures.seconds) < 1e-9)
        #expect(figures.seconds >= 0.3 && figures.seconds < 5)
    }

    @Test func interleavedLoadsTakeTurnsAndAddTheirSlicesUp() async throws {
        let first = try StaticResponder.start(answer: "one")
        defer { first.stop() }
        let second = try StaticResponder.start(answer: "two")
        defer { second.stop() }
        let body = #"{"model": "m", "messages": []}"#
        let pid = ProcessInfo.processInfo.processIdentifier
        let outcomes = await InterleavedLoad.run(
            [
                .init(LoadGenerator(port: first.port, path: "/v1/chat/completions", body: body), process: pid),
                .init(LoadGenerator(port: second.port, path: "/v1/chat/completions", body: body)),
            ],
            connections: 2,
            duration: .milliseconds(400),
            slices: 2
        )
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            #expect(outcome.slices.count == 2)
            #expect(outcome.slices.allSatisfy { $0 > 0 })
            #expect(outcome.figures.failures == 0)
            #expect(outcome.figures.latencies.count == outcome.figures.requests)
            #expect(outcome.figures.latencies == outcome.figures.latencies.sorted())
            // Two slices of about 0.2 s each, not the warm-up's second.
            #expect(outcome.figures.seconds >= 0.4 && outcome.figures.seconds < 1.0)
            #expect((outcome.loadCPU ?? -1) >= 0)
        }
        // The first target's process is this one, so its CPU is counted; the second names none.
        #expect((outcomes[0].processCPU ?? -1) > 0)
        #expect(outcomes[1].processCPU == nil)
    }

    @Test func figuresAddUpAndKeepTheirLatenciesSorted() {
        var figures = LoadGenerator.Figures(requests: 2, failures: 1, seconds: 1, latencies: [1, 3])
        figures.add(LoadGenerator.Figures(requests: 3, failures: 0, seconds: 0.5, latencies: [0.5, 2, 4]))
        #expect(figures.requests == 5)
        #expect(figures.failures == 1)
        #expect(figures.seconds == 1.5)
        #expect(figures.latencies == [0.5, 1, 2, 3, 4])
        #expect(figures.percentile(0.5) == 2)
    }

    @Test func aProcessCPUTimeIsReadFromItsStatLineAndGrowsWithWork() throws {
        // The command name may hold spaces and parentheses; utime and stime are 14th and 15th.
        let line = "4242 (conclave (x) serve) S 1 2 3 4 5 6 7 8 9 10 250 50 11 12 20 0 3 0"
        #expect(ProcessCPU.parse(line, ticksPerSecond: 100) == 3.0)
        #expect(ProcessCPU.parse("4242 conclave S 1", ticksPerSecond: 100) == nil)
        #expect(ProcessCPU.parse("4242 (c) S 1 2", ticksPerSecond: 100) == nil)
        let pid = ProcessInfo.processInfo.processIdentifier
        let before = try #require(ProcessCPU.seconds(of: pid))
        var sum = 0.0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .milliseconds(300) { sum += sin(sum + 1) }
        let after = try #require(ProcessCPU.seconds(of: pid))
        #expect(after - before >= 0.1, "\(after - before) s of CPU over 0.3 s of work (\(sum))")
    }

    @Test func theStaticResponderAnswersAChatCompletion() async throws {
        let responder = try StaticResponder.start(answer: "The answer is (B).")
        defer { responder.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(responder.port)/v1/chat/completions")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"model": "m"}"#))
            let response = try await client.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "application/json")
            let body = try await response.body.collect(upTo: 1 << 20)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect((choices.first?["message"] as? [String: Any])?["content"] as? String == "The answer is (B).")
            #expect((object["usage"] as? [String: Any])?["total_tokens"] as? Int == 26)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func theStaticResponderClosesTheConnectionAfterAnsweringWhenAskedTo() async throws {
        let responder = try StaticResponder.start(answer: "x")
        defer { responder.stop() }
        #expect(try await closesAfterARequest(port: responder.port))
    }

    @Test func theRelayAnswersAsTheUpstreamDoesOnEveryConnection() async throws {
        let responder = try StaticResponder.start(answer: "relayed")
        defer { responder.stop() }
        let relay = try TCPRelay.start(upstream: responder.port)
        defer { relay.stop() }
        let load = LoadGenerator(port: relay.port, path: "/v1/chat/completions", body: "{}")
        let (figures, failure) = await load.run(connections: 3, duration: .milliseconds(200))
        #expect(failure == nil)
        #expect(figures.failures == 0)
        #expect(figures.requests > 10)
    }

    @Test func theRelayClosesTheClientsConnectionWhenTheUpstreamClosesIt() async throws {
        let responder = try StaticResponder.start(answer: "x")
        defer { responder.stop() }
        let relay = try TCPRelay.start(upstream: responder.port)
        defer { relay.stop() }
        // The upstream answers, then closes as asked; the relay must pass the close on.
        #expect(try await closesAfterARequest(port: relay.port))
    }

    @Test func aRelayWithNoUpstreamClosesItsClientsConnection() async throws {
        let relay = try TCPRelay.start(upstream: try FreePort.loopback())
        defer { relay.stop() }
        #expect(try await closesAfterARequest(port: relay.port))
    }

    @Test func answersThatAreNotSuccessesAreCountedAsFailuresWithTheFirstStatus() async throws {
        let responder = OpenAIResponder(failing: ["down"])
        let port = try await responder.start()
        defer { responder.stop() }
        let load = LoadGenerator(port: port, path: "/v1/chat/completions", body: #"{"model": "down", "messages": []}"#)
        let (figures, failure) = await load.run(connections: 2, duration: .milliseconds(200))
        #expect(figures.requests == 0)
        #expect(figures.failures > 0)
        #expect(failure == "HTTP 503")
    }

    @Test func aPortWithNothingListeningGivesFailuresNotAHang() async throws {
        let port = try FreePort.loopback()
        let load = LoadGenerator(port: port, path: "/", body: "{}")
        let started = ContinuousClock.now
        let (figures, failure) = await load.run(connections: 3, duration: .milliseconds(100))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(figures.requests == 0)
        #expect(figures.failures >= 3)
        #expect(failure != nil)
    }

    /// Sends one request asking to close the connection after it; whether the server then closes it
    /// (within 5 s).
    private func closesAfterARequest(port: Int) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        // A server that closes at once may do so before the request is written: the write then fails,
        // and the close below is what counts.
        try? await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                return false
            }
            let first = try await group.next() ?? false
            // Unblocks the wait on the close when the server did not close.
            try? await channel.close()
            group.cancelAll()
            return first
        }
    }
}
