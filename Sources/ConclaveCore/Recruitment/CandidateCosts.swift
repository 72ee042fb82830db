/// Each candidate's expected cost for one instance, as a recruitment keeps it: not estimated, listed by
/// the caller, or priced from the candidates' `CallPricing` at the instance's prompt length, so that a
/// decision stores one number instead of one per candidate.
///
/// ```swift
/// let costs = CandidateCosts.priced(promptTokens: 120)
/// costs.withValues(of: recruiter) { values in values[0] }  // the first candidate's expected cost
/// ```
enum CandidateCosts: Sendable {
    /// Not estimated: every cost is 0.
    case none
    /// One cost per candidate, in the recruiter's order.
    case listed([Double])
    /// Each candidate's `CallPricing` for a prompt of this many tokens (0 for a candidate without one).
    case priced(promptTokens: Int)

    /// The costs as the caller gives them: listed, or none when empty.
    init(_ costs: [Double]) { self = costs.isEmpty ? .none : .listed(costs) }

    /// Calls `body` with the costs in the recruiter's candidate order (empty when not estimated; a
    /// candidate past the end costs 0).
    func withValues<Result>(of recruiter: Recruiter, _ body: (UnsafeBufferPointer<Double>) -> Result) -> Result {
        switch self {
        case .none:
            return body(UnsafeBufferPointer(start: nil, count: 0))
        case .listed(let costs):
            return costs.withUnsafeBufferPointer(body)
        case .priced(let tokens):
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: recruiter.candidates.count) { costs in
                recruiter.expectedCosts(promptTokens: tokens, into: costs)
                return body(UnsafeBufferPointer(costs))
            }
        }
    }
}
