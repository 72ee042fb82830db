/// Fits an instance's plan under its budget before any call is made, the first step of the MasRouter
/// cascade's downgrades: while the plan's cost ceiling (every seat's expert call plus the aggregator's) is
/// over `limit`, it drops the seat of the lowest weight (fewer agents, down to one), then moves the last
/// seat to the expert with the cheapest call that fits (a cheaper expert). Each step is said in words,
/// for the decision to keep. The engine still refuses at dispatch any call that would overspend.
///
/// ```swift
/// let steps = BudgetDowngrade(limit: 0.002).apply(to: &decision.recruitment, ceilings: ceilings) { answers in 0.0001 * Double(answers) }
/// // ["dropped a seat of e3 (plan 0.0031 over the instance budget 0.002)", …]
/// ```
public struct BudgetDowngrade: Sendable {
    /// The instance's budget.
    public var limit: Double

    public init(limit: Double) { self.limit = limit }

    /// Downgrades `recruitment` in place; `ceilings` holds each expert's call ceiling for this instance and
    /// `aggregatorCeiling` the aggregator's for a number of answers. Returns the steps taken (empty when the
    /// plan fits as it is).
    public func apply(
        to recruitment: inout Recruitment,
        ceilings: [String: Double],
        aggregatorCeiling: (Int) -> Double
    ) -> [String] {
        var steps: [String] = []
        func planCost() -> Double { recruitment.team.reduce(aggregatorCeiling(recruitment.team.count)) { $0 + (ceilings[$1] ?? 0) } }
        while planCost() > limit, recruitment.team.count > 1 {
            let weights = Dictionary(recruitment.scores.map { ($0.expert, $0.weight) }, uniquingKeysWith: { first, _ in first })
            let team = recruitment.team
            guard let drop = team.indices.min(by: { weights[team[$0]] ?? 0 < weights[team[$1]] ?? 0 }) else { break }
            let before = planCost()
            let expert = recruitment.team.remove(at: drop)
            adjustSeats(of: expert, by: -1, in: &recruitment)
            steps.append("dropped a seat of \(expert): the plan could cost \(Self.format(before)), over the instance budget \(Self.format(limit))")
        }
        if planCost() > limit, let current = recruitment.team.first,
            let cheapest = ceilings.filter({ $0.value + aggregatorCeiling(1) <= limit }).min(by: { ($0.value, $0.key) < ($1.value, $1.key) }),
            cheapest.key != current
        {
            let before = planCost()
            recruitment.team = [cheapest.key]
            adjustSeats(of: current, by: -1, in: &recruitment)
            adjustSeats(of: cheapest.key, by: 1, in: &recruitment)
            steps.append(
                "moved the seat of \(current) to \(cheapest.key), the cheapest expert whose call fits: the plan could cost \(Self.format(before)), over the instance budget \(Self.format(limit))"
            )
        }
        if planCost() > limit {
            steps.append(
                "no plan fits the instance budget \(Self.format(limit)) (the cheapest could cost \(Self.format(planCost()))); calls over it are refused"
            )
        }
        return steps
    }

    private func adjustSeats(of expert: String, by change: Int, in recruitment: inout Recruitment) {
        guard let index = recruitment.scores.firstIndex(where: { $0.expert == expert }) else { return }
        recruitment.scores[index].seats += change
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 1e8).rounded() / 1e8
        return String(rounded)
    }
}
