/// The `top-k` strategy: the k heaviest distinct candidates by relevance × strength, deterministic; only
/// positive weights are eligible (every candidate when none is positive).
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// [0.5, 0.0, 1.5].withUnsafeBufferPointer { TopKSelection().seats(weights: $0, k: 3, using: &rng) }  // [2, 0]
/// ```
public struct TopKSelection: HeaviestSelection {
    public init() {}

    public var weighting: Weighting { .relevanceTimesStrength }

    public var positiveOnly: Bool { true }
}
