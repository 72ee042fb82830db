/// The `learned` strategy: the k best distinct experts by predicted success − λ × expected cost, where
/// the prediction comes from recorded outcomes on similar questions (`LearnedRouting`), deterministic;
/// every expert is eligible. Without a fitted router it ranks like `cost-aware`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [0.7, 0.2, 0.5].withUnsafeBufferPointer { LearnedSelection().seats(weights: $0, k: 1, using: &rng) }  // [0]
/// ```
public struct LearnedSelection: HeaviestSelection {
    public init() {}

    public var weighting: Weighting { .correctnessMinusCost }

    public var positiveOnly: Bool { false }
}
