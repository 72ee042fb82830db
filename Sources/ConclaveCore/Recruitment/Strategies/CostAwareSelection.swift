/// The `cost-aware` strategy: the k best distinct candidates by expected correctness − λ × expected cost
/// of the call, deterministic; every candidate is eligible, a negative weight included.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [-0.2, 0.4, 0.1].withUnsafeBufferPointer { CostAwareSelection().seats(weights: $0, k: 2, using: &rng) }  // [1, 2]
/// ```
public struct CostAwareSelection: HeaviestSelection {
    public init() {}

    public var weighting: Weighting { .correctnessMinusCost }

    public var positiveOnly: Bool { false }
}
