/// The `cost-aware` strategy: the k best distinct candidates by expected correctness − λ × expected cost
/// of the call, deterministic; every candidate is eligible, a negative weight included.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [-0.2, 0.4, 0.1].withUnsafeBufferPointer { CostAwareSelection().seats(weights: $0, k: 2, using: &rng) }  // [1, 2]
/// ```
public struct CostAwareSelection: TeamSelection {
    public init() {}

    public var weighting: Weighting { .correctnessMinusCost }

    public func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
        Heaviest.indices(of: weights, count: k, positiveOnly: false)
    }

    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        Heaviest.indices(of: weights, positiveOnly: false, into: team)
    }

    public func missed(k: Int) -> String { "not in the top \(k)" }
}
