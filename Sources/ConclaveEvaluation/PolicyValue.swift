import ConclaveCore

/// What a mode policy would have scored on logged instances, estimated by inverse-propensity weighting:
/// each logged record whose mode the policy would also have chosen counts its outcome divided by the
/// probability its mode had; every other record counts 0. Each instance counts once: its value is the sum
/// over its records, the estimate the mean over instances. That is unbiased when, per instance, the logs'
/// chances of each mode add up to one: one run with exploration, or one pinned run per mode (each mode
/// then logged with probability 1, which gives every mode's outcome exactly).
///
/// ```swift
/// let value = PolicyValue.estimate(logs) { policy.choose(for: $0.skills) ?? .ensemble }
/// value.success.mean   // estimated accuracy; value.success.interval its 95% bootstrap interval
/// ```
public struct PolicyValue: Sendable, Hashable {
    /// A mean over instances and its 95% bootstrap interval (nil with no instance).
    public struct Figure: Sendable, Hashable {
        public var mean: Double
        public var interval: ConfidenceInterval?
    }

    public var success: Figure
    public var cost: Figure
    /// Instances evaluated, and the logged records that matched the policy's choice.
    public var instances: Int
    public var matched: Int

    /// The estimate for `policy` (its mode for a logged instance, from that instance's skills).
    public static func estimate(
        _ logs: [LoggedInstance],
        bootstrap: PercentileBootstrap = PercentileBootstrap(),
        policy: (LoggedInstance) -> CollaborationMode
    ) -> PolicyValue {
        let (success, cost, matched) = contributions(logs, policy: policy)
        func figure(_ values: [Double]) -> Figure {
            Figure(mean: values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count), interval: bootstrap.interval(ofMeanOf: values))
        }
        return PolicyValue(success: figure(success), cost: figure(cost), instances: success.count, matched: matched)
    }

    /// Each instance's weighted success and cost under `policy` (instances in order of first appearance).
    public static func contributions(
        _ logs: [LoggedInstance],
        policy: (LoggedInstance) -> CollaborationMode
    ) -> (success: [Double], cost: [Double], matched: Int) {
        var order: [String] = []
        var success: [String: Double] = [:]
        var cost: [String: Double] = [:]
        var matched = 0
        for log in logs where log.probability > 0 {
            if success[log.id] == nil {
                order.append(log.id)
                success[log.id] = 0
                cost[log.id] = 0
            }
            guard policy(log) == log.mode else { continue }
            matched += 1
            success[log.id, default: 0] += (log.correct ? 1 : 0) / log.probability
            cost[log.id, default: 0] += log.cost / log.probability
        }
        return (order.map { success[$0] ?? 0 }, order.map { cost[$0] ?? 0 }, matched)
    }
}
