import ConclaveLLM

/// The pass-through's plan for one request, step by step: each expert, in the order the recruiter ranked
/// them, gets up to `retry.maxAttempts` tries with backoff between them (a `Retry-After` honoured); an expert that
/// fails them all, or whose endpoint cannot be had, gives way to the next, and the handover is noted for
/// the decision's `fallbacks`. Pure: whoever sends the requests (the route, or any other driver) asks it
/// what to do next and tells it what happened.
///
/// ```swift
/// var plan = ForwardAttempts(experts: ["big", "small"], retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.2, maxDelay: 2))
/// plan.start()                                                   // .reach(expert: 0): find its endpoint
/// plan.reached()                                                 // .send(expert: 0)
/// plan.failed("HTTP 503 from big", retryAfter: nil, using: &rng) // .pause(seconds: 0.1…0.2, expert: 0)
/// plan.resume()                                                  // .send(expert: 0)
/// plan.failed("HTTP 503 from big", retryAfter: nil, using: &rng) // .reach(expert: 1); plan.fallbacks names the handover
/// ```
struct ForwardAttempts: Sendable {
    /// What to do next.
    enum Step: Hashable, Sendable {
        /// Find the endpoint of expert `expert` (an index into `experts`), then say how it went.
        case reach(expert: Int)
        /// Send the request to expert `expert`.
        case send(expert: Int)
        /// Wait this long, then send to the same expert again.
        case pause(seconds: Double, expert: Int)
        /// Every expert failed; `lastFailure` says the last reason.
        case exhausted
    }

    /// The experts' ids, best first.
    let experts: [String]
    let retry: RetryPolicy
    /// Each handover from a failed expert to the next, in words.
    private(set) var fallbacks: [String] = []
    /// Requests sent so far, over every expert.
    private(set) var attemptsMade = 0
    /// Why the last attempt (or endpoint) failed.
    private(set) var lastFailure = ""
    /// The expert being tried, and its tries so far.
    private(set) var expert = 0
    private var tries = 0

    init(experts: [String], retry: RetryPolicy) {
        self.experts = experts
        self.retry = retry
    }

    /// Tries per expert.
    var attempts: Int { retry.maxAttempts }

    /// The first step.
    mutating func start() -> Step {
        expert = 0
        tries = 0
        return experts.isEmpty ? .exhausted : .reach(expert: 0)
    }

    /// The current expert's endpoint was found: send to it.
    mutating func reached() -> Step { send() }

    /// The current expert's endpoint cannot be had (`detail` says why): the next expert takes over.
    mutating func unavailable(_ detail: String) -> Step {
        lastFailure = "\(experts[expert]) is not available: \(detail)"
        return handOver(note: lastFailure)
    }

    /// The current expert has no endpoint to forward to: the next is tried, with no handover noted.
    mutating func skipped() -> Step { next() }

    /// The attempt just sent failed in a way worth retrying (`detail` says how).
    mutating func failed(_ detail: String, retryAfter: Double?, using generator: inout some RandomNumberGenerator) -> Step {
        lastFailure = detail
        if tries < attempts { return .pause(seconds: retry.delay(afterAttempt: tries, retryAfter: retryAfter, using: &generator), expert: expert) }
        return handOver(note: "\(experts[expert]) failed \(attempts) time(s) (\(detail))")
    }

    /// After a pause: the same expert again.
    mutating func resume() -> Step { send() }

    private mutating func send() -> Step {
        tries += 1
        attemptsMade += 1
        return .send(expert: expert)
    }

    private mutating func handOver(note: String) -> Step {
        if expert + 1 < experts.count { fallbacks.append("\(note); \(experts[expert + 1]), next by the recruiter's weight, took over") }
        return next()
    }

    private mutating func next() -> Step {
        expert += 1
        tries = 0
        return expert < experts.count ? .reach(expert: expert) : .exhausted
    }
}
