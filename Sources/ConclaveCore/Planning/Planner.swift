/// The stages of calls every instance goes through.
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
    /// With a model extractor, before any decision: the extractor names the skills, once per sample.
    case extraction
    /// The recruited experts answer the question.
    case expert
    /// The aggregator synthesizes their responses.
    case aggregator
}

/// A step of a run: a stage and, for the agents' calls, the round of their collaboration. Each step's
/// calls run across a window's instances, grouped per model, before the next step starts.
public struct PlanStep: Sendable, Hashable, CustomStringConvertible {
    public var stage: Stage
    public var round: Int

    public init(_ stage: Stage, round: Int = 0) {
        self.stage = stage
        self.round = round
    }

    /// "expert", "expert round 2" (rounds count from 1 in words), "aggregator".
    public var description: String { round == 0 ? stage.rawValue : "\(stage.rawValue) round \(round + 1)" }
}

/// One call an instance needs: which stage, round and seat of its collaboration (seat nil for the
/// aggregator of a run), which expert, in which role.
public struct PlannedCall: Sendable, Hashable {
    public var instanceID: String
    public var stage: Stage
    public var round: Int
    public var seat: Int?
    public var expert: String
    public var role: String?
    /// The mode of the instance's collaboration (nil for extraction).
    public var mode: CollaborationMode?

    public init(
        instanceID: String,
        stage: Stage,
        round: Int = 0,
        seat: Int?,
        expert: String,
        role: String? = nil,
        mode: CollaborationMode? = nil
    ) {
        self.mode = mode
        self.instanceID = instanceID
        self.stage = stage
        self.round = round
        self.seat = seat
        self.expert = expert
        self.role = role
    }
}

/// Turns a decision into its calls, round by round: the agents of each round of its collaboration, then
/// the aggregator's call when the collaboration ends with one.
///
/// ```swift
/// for round in 0..<decision.plan.roundCount {
///     Planner.calls(for: decision, round: round)   // [PlannedCall], one per agent of the round
/// }
/// Planner.aggregatorCalls(for: decision)            // the aggregator's call, or none
/// ```
public enum Planner {
    /// The agents' calls of one round.
    public static func calls(for decision: Decision, round: Int) -> [PlannedCall] {
        decision.plan.agents(inRound: round).map {
            PlannedCall(
                instanceID: decision.instanceID,
                stage: .expert,
                round: round,
                seat: $0.seat,
                expert: $0.expert,
                role: $0.role,
                mode: decision.plan.mode
            )
        }
    }

    /// Every agent call of the plan, round after round.
    public static func agentCalls(for decision: Decision) -> [PlannedCall] {
        (0..<decision.plan.roundCount).flatMap { calls(for: decision, round: $0) }
    }

    /// The calls whose answers the final answer comes from: the last round's.
    public static func finalCalls(for decision: Decision) -> [PlannedCall] {
        calls(for: decision, round: decision.plan.roundCount - 1)
    }

    /// The aggregator's call (round 0 of its own stage), after the last round; none when the collaboration ends otherwise.
    public static func aggregatorCalls(for decision: Decision) -> [PlannedCall] {
        guard decision.plan.finish == .aggregator else { return [] }
        return [
            PlannedCall(
                instanceID: decision.instanceID,
                stage: .aggregator,
                seat: nil,
                expert: decision.aggregator,
                mode: decision.plan.mode
            )
        ]
    }
}

extension Planner {
    /// The extractor's calls for an instance: one per sample, each its own seat (and so its own seed).
    public static func extractionCalls(instanceID: String, extractor: String, samples: Int) -> [PlannedCall] {
        (0..<samples).map { PlannedCall(instanceID: instanceID, stage: .extraction, seat: $0, expert: extractor) }
    }
}

/// A stable identity for a request: same model, messages and sampling, same hash (128 bits, hex). Used
/// to record what was asked and as the response-cache key.
public enum RequestHash {
    public static func of(modelKey: String, messages: [ChatMessage], temperature: Double, maxTokens: Int, seed: UInt64?) -> String {
        var high = FNV1a()
        var low = FNV1a()
        low.combine("conclave")
        func feed(_ part: String) {
            high.combine(part)
            low.combine(part)
        }
        // The hash of the parts one after the other is that of their concatenation: the sampling line is
        // fed part by part rather than built as one string.
        feed(modelKey)
        feed("\u{1}")
        feed(temperature.description)
        feed("\u{1}")
        feed(String(maxTokens))
        feed("\u{1}")
        feed(seed.map(String.init) ?? "-")
        for message in messages {
            feed("\u{1}")
            feed(message.role.rawValue)
            feed("\u{2}")
            feed(message.content)
        }
        return String(unsafeUninitializedCapacity: 32) { buffer in
            func write(_ value: UInt64, at offset: Int) {
                for digit in 0..<16 { buffer[offset + digit] = hexDigits[Int(truncatingIfNeeded: value >> UInt64(60 - 4 * digit)) & 0xF] }
            }
            write(high.value, at: 0)
            write(low.value, at: 16)
            return 32
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
