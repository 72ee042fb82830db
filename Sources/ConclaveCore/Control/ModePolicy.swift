/// A learned policy for the collaboration mode: each mode's estimated success and cost overall and per
/// skill; an instance's estimate for a mode is the mean over its skills of that mode's per-skill success
/// (the overall success for skills never logged with the mode), and the policy picks the mode with the
/// highest success − λ × cost. `conclave train-controller` writes one; a pipeline uses it with
/// `collaboration: { policy: modes.yaml }`.
///
/// ```swift
/// let policy = ModeLearner().fit(logs, lambda: 0)
/// policy.choose(for: ["anatomy"])   // .debate, if debate did best on anatomy in the logs
/// ```
public struct ModePolicy: Sendable, Hashable {
    /// A mode's estimate: success rate, mean cost per instance, and the logged instances behind it.
    public struct Estimate: Sendable, Hashable, Codable {
        public var success: Double
        public var cost: Double
        public var instances: Int

        public init(success: Double, cost: Double, instances: Int) {
            self.success = success
            self.cost = cost
            self.instances = instances
        }
    }

    /// The price of cost in success.
    public var lambda: Double
    /// Every mode the policy may choose, with its overall estimate.
    public var modes: [CollaborationMode: Estimate]
    /// Per skill, the modes logged with it (success shrunk toward the mode's overall success).
    public var skills: [String: [CollaborationMode: Estimate]]

    public init(lambda: Double, modes: [CollaborationMode: Estimate], skills: [String: [CollaborationMode: Estimate]]) {
        self.lambda = lambda
        self.modes = modes
        self.skills = skills
    }

    /// Every mode's estimate for an instance with these skills, best first (ties in mode order).
    public func options(for instanceSkills: [String]) -> [ModeOption] {
        CollaborationMode.allCases.compactMap { mode -> ModeOption? in
            guard let overall = modes[mode] else { return nil }
            let known = instanceSkills.compactMap { skills[$0]?[mode]?.success }
            let success = known.isEmpty ? overall.success : known.reduce(0, +) / Double(known.count)
            return ModeOption(mode: mode, success: success, cost: overall.cost, score: success - lambda * overall.cost)
        }
        .enumerated()
        .sorted { ($1.element.score, $0.offset) < ($0.element.score, $1.offset) }
        .map(\.element)
    }

    /// The mode with the best score for these skills; nil for a policy with no mode.
    public func choose(for instanceSkills: [String]) -> CollaborationMode? { options(for: instanceSkills).first?.mode }
}
