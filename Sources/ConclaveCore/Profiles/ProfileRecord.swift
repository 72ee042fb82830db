import Foundation

/// One measured profile of one expert: which version, which profiling run and dataset measured it, the
/// tallies behind it and the profile itself.
public struct ProfileRecord: Sendable, Hashable, Codable {
    public var expert: String
    /// 1 for the first profile of the expert, then one more for each new measurement.
    public var version: Int
    public var runID: String
    public var dataset: String
    public var measuredAt: Date
    /// Validation questions the expert answered (failed calls are not counted).
    public var questions: Int
    public var correct: Int
    /// Calls that failed after their retries, so were neither right nor wrong.
    public var failedCalls: Int
    public var profile: Profile

    public init(
        expert: String,
        version: Int = 0,
        runID: String,
        dataset: String,
        measuredAt: Date,
        questions: Int,
        correct: Int,
        failedCalls: Int,
        profile: Profile
    ) {
        self.expert = expert
        self.version = version
        self.runID = runID
        self.dataset = dataset
        self.measuredAt = measuredAt
        self.questions = questions
        self.correct = correct
        self.failedCalls = failedCalls
        self.profile = profile
    }

    public var accuracy: Double? { questions == 0 ? nil : Double(correct) / Double(questions) }
}
