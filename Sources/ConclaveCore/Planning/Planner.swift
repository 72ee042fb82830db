/// The stages of calls every instance goes through.
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
    /// With a model extractor, before any decision: the extractor names the skills, once per sample.
    case extraction
    /// The recruited experts answer the question.
    case expert
    /// The aggregator synthesizes their responses.
    case aggregator
}

/// One call an instance needs: which stage, which seat of the team (nil for the aggregator of a run), which
/// expert.
public struct PlannedCall: Sendable, Hashable {
    public var instanceID: String
    public var stage: Stage
    public var seat: Int?
    public var expert: String

    public init(instanceID: String, stage: Stage, seat: Int?, expert: String) {
        self.instanceID = instanceID
        self.stage = stage
        self.seat = seat
        self.expert = expert
    }
}

/// Turns a decision into its calls, stage by stage: one call per seat of the team, then one aggregator call.
///
/// ```swift
/// Planner.calls(for: decision, stage: .expert)      // [PlannedCall] for each seat
/// Planner.calls(for: decision, stage: .aggregator)  // the aggregator's call
/// ```
public enum Planner {
    public static func calls(for decision: Decision, stage: Stage) -> [PlannedCall] {
        switch stage {
        case .extraction:
            return []  // extraction comes before the decision (see `extractionCalls`)
        case .expert:
            return decision.recruitment.team.enumerated().map {
                PlannedCall(instanceID: decision.instanceID, stage: .expert, seat: $0, expert: $1)
            }
        case .aggregator:
            return [PlannedCall(instanceID: decision.instanceID, stage: .aggregator, seat: nil, expert: decision.aggregator)]
        }
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
        feed("\(modelKey)\u{1}\(temperature)\u{1}\(maxTokens)\u{1}\(seed.map(String.init) ?? "-")")
        for message in messages {
            feed("\u{1}")
            feed(message.role.rawValue)
            feed("\u{2}")
            feed(message.content)
        }
        return hex(high.value) + hex(low.value)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
