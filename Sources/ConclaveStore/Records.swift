import ConclaveCore

/// The outcome of one call to one expert: its text or its error, tokens, latency, cost and attempts.
public struct CallRecord: Sendable, Hashable, Codable {
    /// Which part of the plan the call served.
    public var stage: Stage
    public var expert: String
    /// The expert's seat in the team (experts may hold several seats); nil for the aggregator.
    public var seat: Int?
    /// The round of the collaboration the call answered in (0 for the first, and for the aggregator).
    public var round: Int
    /// The role the expert played (nil: none).
    public var role: String?
    /// The instance's collaboration mode (nil for extraction calls and calls stored before modes).
    public var mode: CollaborationMode?
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
        error: String?,
        round: Int = 0,
        role: String? = nil,
        mode: CollaborationMode? = nil
    ) {
        self.round = round
        self.role = role
        self.mode = mode
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

    /// What the call spent: its cost, and its input and output tokens together.
    public var spend: Spend { Spend(cost: cost, tokens: inputTokens + outputTokens) }
}

extension CallRecord {
    enum CodingKeys: String, CodingKey {
        case stage, expert, seat, round, role, mode, text, inputTokens, outputTokens, latencyMs, cost, attempts, error
    }

    /// Reads records written before rounds, roles and modes were stored (round 0, no role, no mode).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            stage: try container.decode(Stage.self, forKey: .stage),
            expert: try container.decode(String.self, forKey: .expert),
            seat: try container.decodeIfPresent(Int.self, forKey: .seat),
            text: try container.decodeIfPresent(String.self, forKey: .text),
            inputTokens: try container.decode(Int.self, forKey: .inputTokens),
            outputTokens: try container.decode(Int.self, forKey: .outputTokens),
            latencyMs: try container.decode(Double.self, forKey: .latencyMs),
            cost: try container.decode(Double.self, forKey: .cost),
            attempts: try container.decode(Int.self, forKey: .attempts),
            error: try container.decodeIfPresent(String.self, forKey: .error),
            round: try container.decodeIfPresent(Int.self, forKey: .round) ?? 0,
            role: try container.decodeIfPresent(String.self, forKey: .role),
            mode: try container.decodeIfPresent(CollaborationMode.self, forKey: .mode)
        )
    }
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
    /// The collaboration mode the instance ran in (nil in results stored before modes: an ensemble).
    public var mode: CollaborationMode?
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
        finalAnswer: String?,
        extractedAnswer: String?,
        gold: String?,
        correct: Bool?,
        failureReason: String?
    ) {
        self.id = id
        self.question = question
        self.skills = decision.skills.map(\.skill)
        self.role = decision.role
        self.mode = decision.plan.mode
        self.experts = decision.recruitment.team
        self.seed = decision.seed
        self.responses = responses
        self.aggregation = aggregation
        self.finalAnswer = finalAnswer
        self.extractedAnswer = extractedAnswer
        self.gold = gold
        self.correct = correct
        self.status = failureReason == nil ? .answered : .failed
        self.failureReason = failureReason
        (inputTokens, outputTokens, latencyMs, cost) = (0, 0, 0, 0)
        for call in responses { add(call) }
        if let aggregation { add(aggregation) }
    }

    /// Counts a call's tokens, latency and cost in the instance's totals.
    private mutating func add(_ call: CallRecord) {
        inputTokens += call.inputTokens
        outputTokens += call.outputTokens
        latencyMs += call.latencyMs
        cost += call.cost
    }

    /// The calls made for the instance: its responses and the aggregation, if any.
    public var callCount: Int { responses.count + (aggregation == nil ? 0 : 1) }

    /// How many of its calls failed.
    public var failedCallCount: Int { responses.count { !$0.succeeded } + (aggregation.map { $0.succeeded ? 0 : 1 } ?? 0) }
}
