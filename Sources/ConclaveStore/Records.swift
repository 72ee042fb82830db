import ConclaveCore

/// The outcome of one call to one expert: its text or its error, tokens, latency, cost and attempts.
public struct CallRecord: Sendable, Hashable, Codable {
    /// Which part of the plan the call served.
    public var stage: Stage
    public var expert: String
    /// The expert's seat in the team (experts may hold several seats); nil for the aggregator.
    public var seat: Int?
    public var text: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var latencyMs: Double
    public var cost: Double
    public var attempts: Int
    public var error: String?

    public init(
        stage: Stage,
        expert: String,
        seat: Int?,
        text: String?,
        inputTokens: Int,
        outputTokens: Int,
        latencyMs: Double,
        cost: Double,
        attempts: Int,
        error: String?
    ) {
        self.stage = stage
        self.expert = expert
        self.seat = seat
        self.text = text
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.latencyMs = latencyMs
        self.cost = cost
        self.attempts = attempts
        self.error = error
    }

    public var succeeded: Bool { error == nil }
}

/// Everything a run produced for one instance: its skills, role and team, every response, the aggregated
/// answer and its grade. One line of `results.jsonl`. The full decision (every candidate's scores and why
/// it was or was not picked) is stored once, in the run's decisions: `conclave decisions show RUN ID`.
public struct InstanceResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable { case answered, failed }

    public var id: String
    public var question: String
    public var skills: [String]
    public var role: String?
    public var experts: [String]
    public var seed: UInt64
    public var responses: [CallRecord]
    public var aggregation: CallRecord?
    public var finalAnswer: String?
    public var extractedAnswer: String?
    public var gold: String?
    public var correct: Bool?
    public var status: Status
    public var failureReason: String?
    public var inputTokens: Int
    public var outputTokens: Int
    /// Sum of the latencies of the instance's calls.
    public var latencyMs: Double
    public var cost: Double

    public init(
        id: String,
        question: String,
        decision: Decision,
        responses: [CallRecord],
        aggregation: CallRecord?,
        extractedAnswer: String?,
        gold: String?,
        correct: Bool?,
        failureReason: String?
    ) {
        self.id = id
        self.question = question
        self.skills = decision.skills.map(\.skill)
        self.role = decision.role
        self.experts = decision.recruitment.team
        self.seed = decision.seed
        self.responses = responses
        self.aggregation = aggregation
        self.finalAnswer = aggregation?.text
        self.extractedAnswer = extractedAnswer
        self.gold = gold
        self.correct = correct
        self.status = failureReason == nil ? .answered : .failed
        self.failureReason = failureReason
        let calls = responses + (aggregation.map { [$0] } ?? [])
        self.inputTokens = calls.map(\.inputTokens).reduce(0, +)
        self.outputTokens = calls.map(\.outputTokens).reduce(0, +)
        self.latencyMs = calls.map(\.latencyMs).reduce(0, +)
        self.cost = calls.map(\.cost).reduce(0, +)
    }
}
