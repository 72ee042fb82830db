/// `conclave run --explore ε`: on a seeded share ε of instances the mode is drawn uniformly from every
/// mode instead of taken from the pipeline or policy, and each choice's probability is logged, so the
/// controller can learn from the run without bias: the preferred mode has probability 1 − ε + ε/M, any
/// other ε/M (M modes).
///
/// ```swift
/// let exploration = ModeExploration(epsilon: 0.2, seed: 42)
/// let (mode, probability, explored) = exploration.choose(preferred: .ensemble, instanceID: "q17")
/// ```
public struct ModeExploration: Sendable, Hashable {
    public var epsilon: Double
    public var seed: UInt64

    public init(epsilon: Double, seed: UInt64) {
        self.epsilon = min(max(epsilon, 0), 1)
        self.seed = seed
    }

    /// The mode for an instance, the probability it had, and whether it came from the exploring draw.
    public func choose(preferred: CollaborationMode, instanceID: String) -> (mode: CollaborationMode, probability: Double, explored: Bool) {
        let modes = CollaborationMode.allCases
        var rng = SeededGenerator(seed: seed ^ 0x6578_706C_6F72_6521, instanceID: instanceID)
        let explored = Double.random(in: 0..<1, using: &rng) < epsilon
        let mode = explored ? modes[Int.random(in: 0..<modes.count, using: &rng)] : preferred
        return (mode, probability(of: mode, preferred: preferred), explored)
    }

    /// The probability of choosing `mode` when `preferred` is the preferred one.
    public func probability(of mode: CollaborationMode, preferred: CollaborationMode) -> Double {
        let share = epsilon / Double(CollaborationMode.allCases.count)
        return mode == preferred ? 1 - epsilon + share : share
    }
}
