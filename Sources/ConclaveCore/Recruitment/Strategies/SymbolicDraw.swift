/// Symbolic-MoE's strategy (`symbolic`): k draws with replacement, each candidate's chance proportional to
/// relevance × strength, so a strong specialist may hold several seats.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [0.5, 0.0, 1.5].withUnsafeBufferPointer { SymbolicDraw().seats(weights: $0, k: 3, using: &rng) }  // e.g. [2, 0, 2]
/// ```
public struct SymbolicDraw: TeamSelection {
    public init() {}

    public var weighting: Weighting { .relevanceTimesStrength }

    /// k indices drawn with replacement, probability ∝ weight (a weight below zero counts as zero); uniform
    /// when no weight is positive.
    public func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
        [Int](seats: k) { seats(weights: weights, into: $0, using: &rng) }
    }

    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        guard !weights.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: weights.count) { bounds in
            // Each candidate's share of [0, total) ends where the running total of the weights up to it
            // does (a weight below zero counts as zero).
            var total = 0.0
            var last = -1
            for index in weights.indices {
                total += max(weights[index], 0)
                bounds[index] = total
                last = weights[index] > 0 ? index : last
            }
            guard total > 0 else {
                for seat in team.indices { team[seat] = Int.random(in: 0..<weights.count, using: &rng) }
                return team.count
            }
            for seat in team.indices {
                // A uniform point in [0, total) from the top 53 bits of one draw; the candidate whose
                // share holds it is the number of shares that end at or before it, counted without a branch.
                let point = Double(rng.next() >> 11) * 0x1p-53 * total
                var picked = 0
                for index in 0..<last { picked += bounds[index] <= point ? 1 : 0 }
                team[seat] = picked
            }
            return team.count
        }
    }

    public func missed(k: Int) -> String { "not drawn" }
}
