/// The `top-k` strategy: the k heaviest distinct candidates by relevance × strength, deterministic; only
/// positive weights are eligible (every candidate when none is positive).
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [0.5, 0.0, 1.5].withUnsafeBufferPointer { TopKSelection().seats(weights: $0, k: 3, using: &rng) }  // [2, 0]
/// ```
public struct TopKSelection: TeamSelection {
    public init() {}

    public var weighting: Weighting { .relevanceTimesStrength }

    public func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
        Heaviest.indices(of: weights, count: k, positiveOnly: true)
    }

    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        Heaviest.indices(of: weights, positiveOnly: true, into: team)
    }

    public func missed(k: Int) -> String { "not in the top \(k)" }
}
