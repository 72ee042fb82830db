import Foundation

/// Keeps the number of models a run loads small (Symbolic-MoE): experts recruited for fewer than
/// `minimumShare` of a batch's instances give their seats to frequent experts. Each seat of a rare expert
/// goes to the eligible frequent expert with the highest weight for that instance (ties: the more frequent,
/// then declaration order); eligible means a positive weight, or any weight for `cost-aware`, whose weights
/// may be negative. An instance with no eligible frequent expert keeps its team, and nothing changes when
/// no expert is frequent.
///
/// ```swift
/// let replaced = RareExpertReplacement(minimumShare: 0.05).apply(to: &recruitments)  // ["tiny-model"]
/// ```
public struct RareExpertReplacement: Sendable {
    public var minimumShare: Double

    public init(minimumShare: Double) { self.minimumShare = minimumShare }

    /// Rewrites the teams (and the seats and reasons of the scores); returns the rare experts, sorted.
    @discardableResult
    public func apply(to recruitments: inout [Recruitment]) -> [String] {
        guard minimumShare > 0, !recruitments.isEmpty else { return [] }
        var instancesOf: [String: Int] = [:]
        for recruitment in recruitments { for expert in Set(recruitment.team) { instancesOf[expert, default: 0] += 1 } }
        let total = Double(recruitments.count)
        let rare = Set(instancesOf.filter { Double($0.value) / total < minimumShare }.keys)
        let frequent = Set(instancesOf.keys).subtracting(rare)
        guard !rare.isEmpty, !frequent.isEmpty else { return [] }
        for index in recruitments.indices where recruitments[index].team.contains(where: rare.contains) {
            replace(in: &recruitments[index], rare: rare, frequent: frequent, instancesOf: instancesOf, total: total)
        }
        return rare.sorted()
    }

    private func replace(
        in recruitment: inout Recruitment,
        rare: Set<String>,
        frequent: Set<String>,
        instancesOf: [String: Int],
        total: Double
    ) {
        var substitute: Int?
        for (index, score) in recruitment.scores.enumerated() where frequent.contains(score.expert) {
            guard score.weight > 0 || score.basis.strategy.selection.weighting == .correctnessMinusCost else { continue }
            guard let current = substitute else {
                substitute = index
                continue
            }
            let best = recruitment.scores[current]
            if (score.weight, instancesOf[score.expert] ?? 0) > (best.weight, instancesOf[best.expert] ?? 0) { substitute = index }
        }
        guard let substitute else { return }
        let name = recruitment.scores[substitute].expert
        let position = Dictionary(recruitment.scores.enumerated().map { ($1.expert, $0) }, uniquingKeysWith: { first, _ in first })
        var moved = 0
        for seat in recruitment.team.indices where rare.contains(recruitment.team[seat]) {
            let expert = recruitment.team[seat]
            if let index = position[expert] {
                recruitment.scores[index].seats -= 1
                let share = Double(instancesOf[expert] ?? 0) / total * 100
                recruitment.scores[index].reason =
                    "drawn, then replaced by \(name): recruited for \(Self.percent(share)) of the instances, under \(Self.percent(minimumShare * 100))"
            }
            recruitment.team[seat] = name
            moved += 1
        }
        recruitment.scores[substitute].seats += moved
        recruitment.scores[substitute].reason =
            "given \(moved) seat(s) of rare experts (highest weight among experts recruited for at least \(Self.percent(minimumShare * 100)) of the instances); now holds \(recruitment.scores[substitute].seats)"
    }

    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }
}
