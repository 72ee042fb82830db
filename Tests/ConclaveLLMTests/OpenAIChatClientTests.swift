import AsyncHTTPClient
import ConclaveCore
import Foundation
import Testing

@testable import ConclaveLLM

@Suite(.serialized) struct OpenAIChatClientTests {
    static let client = HTTPClient.conclave(connectTimeout: .seconds(2))
    let fast = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)
    let request = ChatRequest(model: "m", messages: [.user("hi")], temperature: 0, maxTokens: 8)

    @Test func retriesServerErrorsAndRateLimitsThenSucceeds() async throws {
        let upstream = try ScriptedUpstream(script: ["503", "429", "200"])
        let client = OpenAIChatClient(baseURL: upstream.baseURL, httpClient: Self.client, requestTimeout: .seconds(5), retry: fast)
        let completion = try await client.complete(request)
        #expect(completion.text == "ok after 3")
        #expect(completion.attempts == 3)
        #expect(completion.inputTokens == 3 && completion.outputTokens == 2)
    }

    @Test func clientErrorsAreNotRetriedAndCarryTheUpstreamMessage() async throws {
        let upstream = try ScriptedUpstream(script: ["400", "200"])
        let client = OpenAIChatClient(baseURL: upstream.baseURL, httpClient: Self.client, requestTimeout: .seconds(5), retry: fast)
        await #expect {
            try await client.complete(request)
        } throws: { error in
            "\(error)" == "HTTP 400: upstream says 400"
        }
        #expect(upstream.requests == 1)
    }

    @Test func garbageIsRetriedAndThenReportedAfterEveryAttempt() async throws {
        let upstream = try ScriptedUpstream(script: ["garbage"])
        let client = OpenAIChatClient(baseURL: upstream.baseURL, httpClient: Self.client, requestTimeout: .seconds(5), retry: fast)
        await #expect {
            try await client.complete(request)
        } throws: { error in
            "\(error)".hasPrefix("failed after 3 attempts: invalid response: <html>not json</html>")
        }
        #expect(upstream.requests == 3)
    }

    @Test func aSlowServerTimesOutAndTheRetrySucceeds() async throws {
        let upstream = try ScriptedUpstream(script: ["slow", "200"])
        let client = OpenAIChatClient(baseURL: upstream.baseURL, httpClient: Self.client, requestTimeout: .milliseconds(500), retry: fast)
        let completion = try await client.complete(request)
        #expect(completion.attempts == 2)
    }

    @Test func aClosedPortIsAConnectionErrorAfterRetries() async throws {
        let port = try FreePort.loopback()
        let client = OpenAIChatClient(baseURL: "http://127.0.0.1:\(port)/v1", httpClient: Self.client, requestTimeout: .seconds(2), retry: fast)
        await #expect {
            try await client.complete(request)
        } throws: { error in
            "\(error)".hasPrefix("failed after 3 attempts: connection error")
        }
    }

    @Test func backoffGrowsExponentiallyWithinJitterBoundsAndHonoursRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 4)
        var rng = SeededGenerator(seed: 1)
        for attempt in 1...6 {
            let ceiling = min(4, 0.5 * Double(1 << (attempt - 1)))
            for _ in 0..<100 {
                let delay = policy.delay(afterAttempt: attempt, using: &rng)
                #expect(delay >= ceiling * 0.5 && delay < ceiling)
            }
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3, using: &rng) == 3)
        // A server's wait is honoured past the backoff maximum, up to the Retry-After cap (60 s by default).
        #expect(policy.delay(afterAttempt: 1, retryAfter: 30, using: &rng) == 30)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 600, using: &rng) == 60)
        let capped = RetryPolicy(maxAttempts: 2, baseDelay: 0.5, maxDelay: 4, maxRetryAfter: 10)
        #expect(capped.delay(afterAttempt: 1, retryAfter: 600, using: &rng) == 10)
        #expect(capped.delay(afterAttempt: 1, retryAfter: .infinity, using: &rng) == 10)
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_450)  // Wed, 21 Oct 2015 07:27:30 GMT
        #expect(RetryPolicy.retryAfterSeconds("120", now: now) == 120)
        #expect(RetryPolicy.retryAfterSeconds(" 7 ", now: now) == 7)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Wed Oct 21 07:28:00 2015", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)  // in the past: no wait
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfterSeconds("-5", now: now) == 0)
    }
}
