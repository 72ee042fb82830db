/// Each candidate's expected cost for one instance, as a recruitment keeps it: not estimated, listed by
/// the caller, or priced from the candidates' `CallPricing` at the instance's prompt length, so that a
/// decision stores one number instead of one per candidate.
///
/// ```swift
/// let costs = CandidateCosts.priced(promptTokens: 120)
/// costs.values(of: recruiter, into: buffer)[0]  // the first candidate's expected cost
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

    /// Writes the costs, in the recruiter's candidate order, to `buffer` (room for one per candidate) and
    /// returns the part written: empty when not estimated (a candidate past the end costs 0).
    @inline(__always)
    func values(of recruiter: Recruiter, into buffer: UnsafeMutableBufferPointer<Double>) -> UnsafeBufferPointer<Double> {
        switch self {
        case .none:
            return UnsafeBufferPointer(rebasing: buffer[..<0])
        case .listed(let costs):
            let written = min(costs.count, buffer.count)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[..<written]).initialize(from: costs[..<written])
            return UnsafeBufferPointer(rebasing: buffer[..<written])
        case .priced(let tokens):
            recruiter.expectedCosts(promptTokens: tokens, into: buffer)
            return UnsafeBufferPointer(buffer)
        }
    }
}
