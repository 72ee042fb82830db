import ConclaveCore
import Foundation

/// The lines `explain` and `decisions show` print about an instance's collaboration: the mode and how it
/// was chosen (with each option's estimate when a policy chose), and who sits in each seat in which role.
enum CollaborationText {
    static func lines(for decision: Decision) -> [String] {
        let plan = decision.plan
        let choice = decision.modeChoice
        var lines = ["mode        \(describe(plan))" + (choice.map { " (\(source($0)))" } ?? "")]
        if let choice, !choice.options.isEmpty {
            lines.append(
                Table.render(
                    [["option", "success", "cost", "score"]]
                        + choice.options.map {
                            [$0.mode.rawValue, String(format: "%.3f", $0.success), String(format: "%.6f", $0.cost), String(format: "%.4f", $0.score)]
                        }
                )
            )
        }
        lines.append(
            "agents      "
                + plan.agents.map { "seat \($0.seat + 1): \($0.expert)" + ($0.role.map { " as \($0)" } ?? "") }.joined(separator: "; ")
        )
        return lines
    }

    /// "debate, 2 rounds, finished by the aggregator".
    static func describe(_ plan: Collaboration) -> String {
        var text = plan.mode.rawValue
        switch plan.mode {
        case .debate: text += ", \(plan.rounds) round\(plan.rounds == 1 ? "" : "s")"
        case .reflection: text += ", \(plan.rounds) critique-and-revise cycle\(plan.rounds == 1 ? "" : "s")"
        case .layered: text += ", \(plan.rounds) layer\(plan.rounds == 1 ? "" : "s")"
        case .single, .ensemble, .chain: break
        }
        switch plan.finish {
        case .aggregator: text += ", finished by the aggregator"
        case .vote: text += ", finished by a majority vote"
        case .last: text += ", the last answer is final"
        }
        return text
    }

    private static func source(_ choice: ModeChoice) -> String {
        switch choice.source {
        case .pipeline: "the pipeline's mode"
        case .pinned: "pinned by --mode"
        case .policy: "chosen by the policy"
        case .explored: String(format: "explored, probability %.3f", choice.probability)
        }
    }
}
