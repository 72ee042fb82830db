/// One graded instance of a logged run, as the mode controller learns from it: its skills, the mode it
/// ran in and the probability that mode had when it was chosen, whether the answer was right, what it cost.
public struct LoggedInstance: Sendable, Hashable {
    public var id: String
    public var skills: [String]
    public var mode: CollaborationMode
    /// The chance the run had of choosing `mode` for this instance: 1 for a pinned or fixed mode, below 1
    /// under exploration.
    public var probability: Double
    public var correct: Bool
    public var cost: Double

    public init(id: String, skills: [String], mode: CollaborationMode, probability: Double, correct: Bool, cost: Double) {
        self.id = id
        self.skills = skills
        self.mode = mode
        self.probability = probability
        self.correct = correct
        self.cost = cost
    }
}
