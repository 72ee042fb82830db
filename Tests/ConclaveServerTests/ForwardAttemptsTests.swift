import ConclaveCore
import ConclaveLLM
import Testing

@testable import ConclaveServer

/// The pass-through's plan of attempts: tries per expert with backoff and `Retry-After`, the handover to
/// the next expert with its note, experts without an endpoint, and every expert failing.
@Suite struct ForwardAttemptsTests {
    /// The gateway's backoff with `attempts` tries per expert.
    static func retry(_ attempts: Int) -> RetryPolicy { RetryPolicy(maxAttempts: attempts, baseDelay: 0.2, maxDelay: 2) }

    @Test func aFirstAnswerNeedsOneAttempt() {
        var plan = ForwardAttempts(experts: ["a", "b"], retry: Self.retry(3))
        #expect(plan.start() == .reach(expert: 0))
        #expect(plan.reached() == .send(expert: 0))
        #expect(plan.attemptsMade == 1 && plan.fallbacks.isEmpty && plan.expert == 0)
    }

    @Test func anExpertIsTriedItsAttemptsWithBackoffThenTheNextTakesOver() {
        var rng = SeededGenerator(seed: 3)
        var plan = ForwardAttempts(experts: ["a", "b"], retry: Self.retry(3))
        _ = plan.start()
        _ = plan.reached()
        var pauses: [Double] = []
        for _ in 1..<3 {
            guard case .pause(let seconds, let expert) = plan.failed("HTTP 503 from a", retryAfter: nil, using: &rng) else {
                Issue.record("a failure before the last attempt pauses")
                return
            }
            #expect(expert == 0)
            pauses.append(seconds)
            #expect(plan.resume() == .send(expert: 0))
        }
        // Backoff: 0.2 s then 0.4 s, each scaled by a jitter in [0.5, 1).
        #expect((0.1..<0.2).contains(pauses[0]) && (0.2..<0.4).contains(pauses[1]), "\(pauses)")
        #expect(plan.failed("HTTP 503 from a", retryAfter: nil, using: &rng) == .reach(expert: 1))
        #expect(plan.fallbacks == ["a failed 3 time(s) (HTTP 503 from a); b, next by the recruiter's weight, took over"])
        #expect(plan.reached() == .send(expert: 1))
        #expect(plan.attemptsMade == 4)
    }

    @Test func retryAfterIsAFloorUpToThePolicysCap() {
        var rng = SeededGenerator(seed: 3)
        var plan = ForwardAttempts(experts: ["a"], retry: Self.retry(2))
        _ = plan.start()
        _ = plan.reached()
        #expect(plan.failed("HTTP 429 from a", retryAfter: 7, using: &rng) == .pause(seconds: 7, expert: 0))
        _ = plan.resume()
        #expect(plan.failed("HTTP 429 from a", retryAfter: nil, using: &rng) == .exhausted)
        #expect(plan.lastFailure == "HTTP 429 from a")
        #expect(plan.fallbacks.isEmpty, "no expert was left to take over")
    }

    @Test func anExpertWithoutAnEndpointGivesWayNotedOrNot() {
        var plan = ForwardAttempts(experts: ["a", "b", "c"], retry: Self.retry(1))
        _ = plan.start()
        #expect(plan.unavailable("connection refused") == .reach(expert: 1))
        #expect(plan.skipped() == .reach(expert: 2))
        #expect(plan.fallbacks == ["a is not available: connection refused; b, next by the recruiter's weight, took over"])
        #expect(plan.attemptsMade == 0)
        #expect(plan.lastFailure == "a is not available: connection refused")
    }

    @Test func everyExpertFailingEndsThePlanAndNoExpertsEndItAtOnce() {
        var rng = SeededGenerator(seed: 3)
        var plan = ForwardAttempts(experts: ["a", "b"], retry: Self.retry(1))
        _ = plan.start()
        _ = plan.reached()
        #expect(plan.failed("timeout", retryAfter: nil, using: &rng) == .reach(expert: 1))
        _ = plan.reached()
        #expect(plan.failed("HTTP 500 from b", retryAfter: nil, using: &rng) == .exhausted)
        #expect(plan.attemptsMade == 2 && plan.fallbacks.count == 1 && plan.lastFailure == "HTTP 500 from b")
        var none = ForwardAttempts(experts: [], retry: Self.retry(3))
        #expect(none.start() == .exhausted)
    }

    @Test func everySeededScriptSendsAtMostAttemptsPerExpertAndHandsOverInOrder() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            let count = Int.random(in: 1...4, using: &rng)
            let attempts = Int.random(in: 1...3, using: &rng)
            var plan = ForwardAttempts(experts: (0..<count).map { "e\($0)" }, retry: Self.retry(attempts))
            var sends = Array(repeating: 0, count: count)
            var reached: [Int] = []
            var step = plan.start()
            var answered = false
            loop: while true {
                switch step {
                case .reach(let expert):
                    reached.append(expert)
                    step = Bool.random(using: &rng) || expert == count - 1 ? plan.reached() : plan.unavailable("down")
                case .send(let expert):
                    sends[expert] += 1
                    if Int.random(in: 0..<4, using: &rng) == 0 {
                        answered = true
                        break loop
                    }
                    step = plan.failed("HTTP 503", retryAfter: nil, using: &rng)
                case .pause:
                    step = plan.resume()
                case .exhausted:
                    break loop
                }
            }
            #expect(reached == Array(0..<reached.count), "experts are reached in the recruiter's order")
            #expect(sends.allSatisfy { $0 <= attempts })
            #expect(plan.attemptsMade == sends.reduce(0, +))
            #expect(plan.fallbacks.count == reached.count - 1, "one note per handover")
            if !answered { #expect(reached.count == count) }
        }
    }
}
