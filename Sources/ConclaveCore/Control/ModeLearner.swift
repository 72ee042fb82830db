/// Fits a `ModePolicy` on logged instances. Each instance is weighted by the inverse of the probability
/// its mode had (so modes explored rarely count as often as they would have been run), and every estimate
/// is a weighted mean shrunk toward a prior by `priorStrength` pseudo-instances: a mode's overall success
/// toward the mean over all logs, a mode's success on a skill toward the mode's overall success. So a
/// skill never logged with a mode falls back to the mode's overall estimate, and one logged twice moves
/// only part of the way.
///
/// ```swift
/// let policy = ModeLearner(priorStrength: 5).fit(logs, lambda: 0)
/// ```
public struct ModeLearner: Sendable {
    public var priorStrength: Double

    public init(priorStrength: Double = 5) { self.priorStrength = max(0, priorStrength) }

    public func fit(_ logs: [LoggedInstance], lambda: Double) -> ModePolicy {
        let usable = logs.filter { $0.probability > 0 && $0.probability.isFinite }
        let weight = { (log: LoggedInstance) in 1 / log.probability }
        let total = usable.reduce(0) { $0 + weight($1) }
        let globalSuccess = total > 0 ? usable.reduce(0) { $0 + weight($1) * ($1.correct ? 1 : 0) } / total : 0
        var modes: [CollaborationMode: ModePolicy.Estimate] = [:]
        var skills: [String: [CollaborationMode: ModePolicy.Estimate]] = [:]
        for mode in CollaborationMode.allCases {
            let logged = usable.filter { $0.mode == mode }
            guard !logged.isEmpty else { continue }
            let overall = estimate(logged, toward: globalSuccess, weight: weight)
            modes[mode] = overall
            var bySkill: [String: [LoggedInstance]] = [:]
            for log in logged {
                for skill in Set(log.skills) { bySkill[skill, default: []].append(log) }
            }
            for (skill, logs) in bySkill { skills[skill, default: [:]][mode] = estimate(logs, toward: overall.success, weight: weight) }
        }
        return ModePolicy(lambda: lambda, modes: modes, skills: skills)
    }

    /// The weighted success shrunk toward `prior`, and the weighted mean cost.
    private func estimate(_ logs: [LoggedInstance], toward prior: Double, weight: (LoggedInstance) -> Double) -> ModePolicy.Estimate {
        let weights = logs.map(weight)
        let sum = weights.reduce(0, +)
        let successes = zip(logs, weights).reduce(0) { $0 + ($1.0.correct ? $1.1 : 0) }
        let cost = sum > 0 ? zip(logs, weights).reduce(0) { $0 + $1.0.cost * $1.1 } / sum : 0
        let denominator = sum + priorStrength
        let success = denominator > 0 ? (successes + priorStrength * prior) / denominator : prior
        return ModePolicy.Estimate(success: success, cost: cost, instances: logs.count)
    }
}
