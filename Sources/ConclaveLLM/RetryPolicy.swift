/// How often and how patiently a failed call is retried: exponential backoff with jitter, honouring a
/// server's `Retry-After`.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 8)
/// var rng = SystemRandomNumberGenerator()
/// policy.delay(afterAttempt: 2, using: &rng)  // between 0.5 and 1.0 seconds
/// ```
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    /// Seconds before the first retry (before jitter).
    public var baseDelay: Double
    /// Upper bound on any delay, in seconds.
    public var maxDelay: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 0.5, maxDelay: Double = 8) {
        precondition(maxAttempts >= 1, "at least one attempt")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait after failed attempt `attempt` (1-based): min(maxDelay, base·2^(attempt−1)) scaled by
    /// a random factor in [0.5, 1) so that many clients do not retry in lockstep. `retryAfter`, when the
    /// server sent one, is a floor.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: Double? = nil, using rng: inout G) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        let jittered = exponential * Double.random(in: 0.5..<1, using: &rng)
        return max(jittered, min(retryAfter ?? 0, maxDelay))
    }
}
