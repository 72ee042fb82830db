import ConclaveCore
import ConclaveEvaluation
import Foundation

/// The human form of a routing evaluation: the selected configuration first, with its intervals, the
/// choice of each part and an honest verdict; then the spread over seeds; then the diagnostic table.
struct RoutingReportText {
    let report: RoutingEvaluation.Report

    var text: String { (headline + spread + [""] + diagnostics).joined(separator: "\n") }

    private var headline: [String] {
        let selected = report.selected
        let picks = selected.picks.map { pick in
            let lambda = pick.lambda.map { String(format: ", λ = %.4g", $0) } ?? ""
            return String(
                format: "    part %d: %@%@ (inner accuracy %.4f at %.2f × the inner best single model's cost; best single here: %@)",
                pick.part,
                pick.name,
                lambda,
                pick.innerAccuracy,
                pick.innerRelativeCost,
                pick.bestSingle
            )
        }
        return [
            "selected configuration: \(selected.name)",
            "  \(report.selectionRule)",
            String(
                format: "  accuracy %.4f (95%% CI %.4f–%.4f) at %.2f × the best single model's cost (%.3e / question), %d questions",
                selected.accuracy,
                selected.accuracyInterval.lower,
                selected.accuracyInterval.upper,
                selected.relativeCost,
                selected.cost,
                selected.questions
            ),
            String(
                format:
                    "  best single model (chosen on each training part): accuracy %.4f; difference %@ (95%% CI %@ to %@, %d bootstrap resamples over questions)",
                selected.bestSingleAccuracy,
                signed(selected.differenceFromBestSingle),
                signed(selected.differenceInterval.lower),
                signed(selected.differenceInterval.upper),
                report.bootstrapResamples
            ),
            "  verdict: \(verdict)",
            "  choice per part:",
        ] + picks
    }

    private var verdict: String {
        let selected = report.selected
        let share = String(format: "%.0f%% of its cost (budget %.0f%%)", selected.relativeCost * 100, report.budgetShare * 100)
        switch selected.verdict {
        case .beatsBestSingle: return "beats the best single model (the difference interval lies above 0), at \(share)"
        case .matchesWithinBudget:
            return "does not beat the best single model: matches it within noise (the difference interval holds 0), at \(share)"
        case .matchesOverBudget: return "does not beat the best single model: matches it within noise, at \(share), over the budget"
        case .belowBestSingle: return "is less accurate than the best single model (the difference interval lies below 0), at \(share)"
        }
    }

    private var spread: [String] {
        guard let seeds = report.seeds, let first = seeds.seeds.first, let last = seeds.seeds.last else { return [] }
        func describe(_ spread: RoutingSeedSpread.Spread) -> String {
            String(format: "mean %.4f, sd %.4f, range %.4f–%.4f", spread.mean, spread.sd, spread.min, spread.max)
        }
        return [
            "over \(seeds.seeds.count) seeds (\(first)–\(last)): accuracy \(describe(seeds.accuracy)); relative cost \(describe(seeds.relativeCost)); "
                + "difference from best single \(describe(seeds.differenceFromBestSingle)); beats the best single model under \(seeds.beatsBestSingle) of \(seeds.seeds.count) seeds",
            "  selected per seed: " + zip(seeds.seeds, seeds.names).map { "\($0): \($1)" }.joined(separator: "; "),
        ]
    }

    private var diagnostics: [String] {
        [
            "\(report.diagnosticNote) (best single = most accurate on the training part, most often \(report.bestSingle)):",
            Table.render(
                [["", "k", "accuracy", "cost / question", "× best single"]]
                    + report.lines.map { line in
                        let name = line.lambda.map { line.name + String(format: " (λ = %.4g)", $0) } ?? line.name
                        return [
                            name, line.k == 1 ? "1 (top-1)" : "\(line.k) (coverage)", String(format: "%.4f", line.accuracy),
                            String(format: "%.3e", line.cost), String(format: "%.2f", line.relativeCost),
                        ]
                    }
            ),
        ]
    }

    private func signed(_ value: Double) -> String { String(format: "%+.4f", value) }
}
