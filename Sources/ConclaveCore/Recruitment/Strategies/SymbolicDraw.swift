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

    /// k indices drawn with replacement, probability ∝ weight; uniform when every weight is zero.
    public func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
        [Int](seats: k) { seats(weights: weights, into: $0, using: &rng) }
    }

    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        guard !weights.isEmpty else { return 0 }
        let total = weights.reduce(0, +)
        guard total > 0 else {
            for seat in team.indices { team[seat] = Int.random(in: 0..<weights.count, using: &rng) }
            return team.count
        }
        guard let last = weights.lastIndex(where: { $0 > 0 }) else { return 0 }
        for seat in team.indices {
            // A uniform point in [0, total) from the top 53 bits of one draw.
            var point = Double(rng.next() >> 11) * 0x1p-53 * total
            var picked = last
            for index in 0..<last where weights[index] > 0 {
                if point < weights[index] {
                    picked = index
                    break
                }
                point -= weights[index]
            }
            team[seat] = picked
        }
        return team.count
    }

    public func missed(k: Int) -> String { "not drawn" }
}
