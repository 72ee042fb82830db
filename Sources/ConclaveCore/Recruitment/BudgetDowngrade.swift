/// Fits an instance's plan under its budget before any call is made (the MasRouter cascade's downgrades):
/// while the plan's cost ceiling is over `limit`, it takes the steps of `order` in turn, each as far as it
/// goes: `agents` drops the seat of the lowest weight (down to one agent); `experts` moves the most
/// expensive seat to the cheapest expert; `mode` makes the mode simpler (layered and debate become an
/// ensemble, the others a single agent). Each step is said in words, for the decision to keep. The engine
/// still refuses at dispatch any call that would overspend.
///
/// ```swift
/// var plan = Collaboration(mode: .debate, rounds: 2, agents: agents)
/// let steps = BudgetDowngrade(limit: 0.002).apply(to: &plan, weights: weights, ceilings: ceilings) { plan in cost(of: plan) }
/// // ["dropped a seat of e3: the plan could cost 0.0031, over the instance budget 0.002", …]
/// ```
public struct BudgetDowngrade: Sendable {
    /// The instance's budget.
    public var limit: Double
    /// The order of the steps.
    public var order: [DowngradeStep]
    /// The rounds and finish a simpler mode gets.
    public var settings: CollaborationSpec
    /// What `limit` and the costs count.
    public var unit: Unit

    /// Money (the currency of the prices) or tokens.
    public enum Unit: Sendable, Hashable {
        case money, tokens
    }

    public init(limit: Double, order: [DowngradeStep] = DowngradeStep.allCases, settings: CollaborationSpec = .ensemble, unit: Unit = .money) {
        self.limit = limit
        self.order = order
        self.settings = settings
        self.unit = unit
    }

    /// Downgrades `plan` in place. `weights` holds each expert's recruitment weight, `ceilings` each
    /// expert's single-call ceiling for this instance (the cheapest is the one seats move to), `cost` a
    /// plan's whole ceiling. Returns the steps taken (empty when the plan fits as it is).
    public func apply(
        to plan: inout Collaboration,
        weights: [String: Double],
        ceilings: [String: Double],
        cost: (Collaboration) -> Double
    ) -> [String] {
        var steps: [String] = []
        func over(_ step: String) -> String { "\(step): \(overrun(cost(plan)))" }
        for step in order {
            switch step {
            case .agents:
                while cost(plan) > limit, plan.agents.count > 1 {
                    let agents = plan.agents
                    guard let drop = agents.indices.min(by: { weights[agents[$0].expert] ?? 0 < weights[agents[$1].expert] ?? 0 }) else { break }
                    let said = over("dropped a seat of \(agents[drop].expert)")
                    plan.agents = Self.renumbered(agents.enumerated().filter { $0.offset != drop }.map(\.element))
                    steps.append(said)
                }
            case .experts:
                guard let cheapest = ceilings.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
                while cost(plan) > limit,
                    let seat = plan.agents.indices.filter({ plan.agents[$0].expert != cheapest.key })
                        .max(by: { ceilings[plan.agents[$0].expert] ?? 0 < ceilings[plan.agents[$1].expert] ?? 0 })
                {
                    let said = over("moved the seat of \(plan.agents[seat].expert) to \(cheapest.key), the cheapest expert")
                    plan.agents[seat].expert = cheapest.key
                    steps.append(said)
                }
            case .mode:
                while cost(plan) > limit, let simpler = plan.mode.simpler {
                    let said = over("simplified the mode from \(plan.mode.rawValue) to \(simpler.rawValue)")
                    plan = Collaboration(
                        mode: simpler,
                        rounds: settings.rounds(for: simpler),
                        finish: settings.finish(for: simpler),
                        agents: Array(plan.agents.prefix(simpler.agentCount(k: plan.agents.count)))
                    )
                    steps.append(said)
                }
            }
        }
        if cost(plan) > limit {
            let budget = unit == .money ? "the instance budget \(format(limit))" : "the instance's token budget \(format(limit))"
            let least = unit == .money ? "the cheapest could cost \(format(cost(plan)))" : "the smallest could use \(format(cost(plan)))"
            steps.append("no plan fits \(budget) (\(least)); calls over it are refused")
        }
        return steps
    }

    /// "the plan could cost 0.0031, over the instance budget 0.002", or the same in tokens.
    private func overrun(_ amount: Double) -> String {
        switch unit {
        case .money: "the plan could cost \(format(amount)), over the instance budget \(format(limit))"
        case .tokens: "the plan could use \(format(amount)), over the instance's token budget \(format(limit))"
        }
    }

    private func format(_ value: Double) -> String {
        switch unit {
        case .money: String((value * 1e8).rounded() / 1e8)
        case .tokens: "\(Int(value.rounded())) tokens"
        }
    }

    private static func renumbered(_ agents: [Agent]) -> [Agent] {
        agents.enumerated().map { Agent(seat: $0.offset, expert: $0.element.expert, role: $0.element.role) }
    }

}
