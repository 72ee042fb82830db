/// How an instance's collaboration mode was chosen, kept in its decision for `explain`: who chose (the
/// pipeline, `--mode`, a learned policy), every mode's estimate when a policy chose, and the probability
/// the choice had (below 1 when exploration might have chosen another).
public struct ModeChoice: Sendable, Hashable, Codable {
    /// Who chose the mode.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The pipeline's `collaboration.mode`.
        case pipeline
        /// `conclave run --mode`, pinning it for an ablation.
        case pinned
        /// A policy learned from logged runs.
        case policy
        /// Exploration: a mode other than the policy's, drawn at random.
        case explored
    }

    public var source: Source
    public var mode: CollaborationMode
    /// Each mode's estimated success and cost when a policy chose (empty otherwise), best first.
    public var options: [ModeOption]
    /// The probability of this choice under the run's exploration (1 without it).
    public var probability: Double

    public init(source: Source, mode: CollaborationMode, options: [ModeOption] = [], probability: Double = 1) {
        self.source = source
        self.mode = mode
        self.options = options
        self.probability = probability
    }
}

/// A policy's estimate for one mode on one instance.
public struct ModeOption: Sendable, Hashable, Codable {
    public var mode: CollaborationMode
    /// Estimated probability of a correct answer.
    public var success: Double
    /// Estimated cost of the instance in this mode.
    public var cost: Double
    /// success − λ × cost: what the policy ranks by.
    public var score: Double

    public init(mode: CollaborationMode, success: Double, cost: Double, score: Double) {
        self.mode = mode
        self.success = success
        self.cost = cost
        self.score = score
    }
}
