import Foundation

/// Keeps the number of models a run loads small (Symbolic-MoE): experts recruited for fewer than
/// `minimumShare` of a batch's instances give their seats to frequent experts. Each seat of a rare expert
/// goes to the frequent expert with the highest weight for that instance (ties: the more frequent, then
/// declaration order). Nothing changes when no expert is frequent.
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

    private func replace(in recruitment: inout Recruitment, rare: Set<String>, frequent: Set<String>,
                         instancesOf: [String: Int], total: Double) {
        let position = Dictionary(recruitment.scores.enumerated().map { ($1.expert, $0) }, uniquingKeysWith: { first, _ in first })
        let substitute = recruitment.scores.enumerated()
            .filter { frequent.contains($0.element.expert) }
            .max { lhs, rhs in
                (lhs.element.weight, instancesOf[lhs.element.expert]!, -lhs.offset) < (rhs.element.weight, instancesOf[rhs.element.expert]!, -rhs.offset)
            }!.element.expert
        var moved = 0
        for seat in recruitment.team.indices where rare.contains(recruitment.team[seat]) {
            let expert = recruitment.team[seat]
            if let index = position[expert] {
                recruitment.scores[index].seats -= 1
                let share = Double(instancesOf[expert]!) / total * 100
                recruitment.scores[index].reason = "drawn, then replaced by \(substitute): recruited for \(Self.percent(share)) of the instances, under \(Self.percent(minimumShare * 100))"
            }
            recruitment.team[seat] = substitute
            moved += 1
        }
        if let index = position[substitute] {
            recruitment.scores[index].seats += moved
            recruitment.scores[index].reason = "given \(moved) seat(s) of rare experts (highest weight among experts recruited for at least \(Self.percent(minimumShare * 100)) of the instances); now holds \(recruitment.scores[index].seats)"
        }
    }

    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }
}
