import Foundation

/// How often and how patiently a failed call is retried: exponential backoff with jitter, honouring a
/// server's `Retry-After` (seconds or an HTTP date) up to `maxRetryAfter`.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 8)
/// var rng = SystemRandomNumberGenerator()
/// policy.delay(afterAttempt: 2, using: &rng)                   // between 0.5 and 1.0 seconds
/// policy.delay(afterAttempt: 1, retryAfter: 20, using: &rng)   // 20 seconds: the server asked for it
/// ```
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    /// Seconds before the first retry (before jitter).
    public var baseDelay: Double
    /// Upper bound on the backoff the policy chooses itself, in seconds.
    public var maxDelay: Double
    /// Upper bound on a wait a server asks for with `Retry-After`, in seconds.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 0.5, maxDelay: Double = 8, maxRetryAfter: Double = 60) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// Seconds to wait after failed attempt `attempt` (1-based): min(maxDelay, base·2^(attempt−1)) scaled by
    /// a random factor in [0.5, 1) so that many clients do not retry in lockstep. `retryAfter`, when the
    /// server sent one, is a floor, itself capped at `maxRetryAfter`.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: Double? = nil, using rng: inout G) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        let jittered = exponential * Double.random(in: 0.5..<1, using: &rng)
        let asked = retryAfter.map { $0.isFinite ? max(0, $0) : maxRetryAfter } ?? 0
        return max(jittered, min(asked, maxRetryAfter))
    }

    /// The seconds a `Retry-After` header value asks for: a number of seconds, or an HTTP date (RFC 9110:
    /// IMF-fixdate, RFC 850 or asctime form) counted from `now`; nil when it is neither.
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, seconds) }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
