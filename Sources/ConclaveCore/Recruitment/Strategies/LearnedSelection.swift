/// The `learned` strategy: the k best distinct experts by predicted success − λ × expected cost, where
/// the prediction comes from recorded outcomes on similar questions (`LearnedRouting`), deterministic;
/// every expert is eligible. Without a fitted router it ranks like `cost-aware`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [0.7, 0.2, 0.5].withUnsafeBufferPointer { LearnedSelection().seats(weights: $0, k: 1, using: &rng) }  // [0]
/// ```
public struct LearnedSelection: TeamSelection {
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
