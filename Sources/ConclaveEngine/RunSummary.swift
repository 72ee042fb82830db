import ConclaveCore
import ConclaveStore
import Foundation

/// The totals of a run, printed as the summary table and returned to callers.
public struct RunSummary: Sendable, Hashable {
    public var instances = 0
    public var answered = 0
    public var failed = 0
    /// Instances with a gold answer.
    public var graded = 0
    public var correct = 0
    public var skippedRows = 0
    public var calls = 0
    public var failedCalls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var cost = 0.0
    public var modelLoads = 0
    public var modelUnloads = 0
    /// Managed model servers that died while loaded and were started again.
    public var serverRestarts = 0
    public var wallTime = Duration.zero
    /// The run's spending limits, and how many calls this session refused because they would exceed one.
    public var budget = Budget.unlimited
    public var budgetRefusals = 0
    /// The run's figures per collaboration mode.
    public var modes: [ModeAccount] = []
    public var resultsFile: URL?
    public var logDirectory: URL?

    public var accuracy: Double? { graded == 0 ? nil : Double(correct) / Double(graded) }

    /// Two aligned columns: what, and how much.
    public var table: String {
        var rows: [(String, String)] = [
            ("instances", "\(instances) (\(answered) answered, \(failed) failed, \(skippedRows) rows skipped)"),
            ("accuracy", accuracy.map { String(format: "%.1f%% (%d/%d against gold)", $0 * 100, correct, graded) } ?? "n/a (no gold answers)"),
            ("calls", "\(calls) (\(failedCalls) failed)"),
            ("tokens", "\(inputTokens) in, \(outputTokens) out"),
            ("cost", String(format: "%.6f", cost)),
            ("model loads", "\(modelLoads) (\(modelUnloads) unloads, \(serverRestarts) server restarts)"),
            ("wall time", String(format: "%.1f s", wallTime.inSeconds)),
            ("results", resultsFile?.path ?? "-"),
            ("server logs", logDirectory?.path ?? "-"),
        ]
        if budget.isLimited {
            let limits = [
                budget.perRun.map { String(format: "%.6f per run", $0) }, budget.perInstance.map { String(format: "%.6f per instance", $0) },
                budget.perRunTokens.map { "\($0) tokens per run" }, budget.perInstanceTokens.map { "\($0) tokens per instance" },
            ]
            let line =
                String(format: "spent %.6f and %d tokens; limits ", cost, inputTokens + outputTokens)
                + limits.compactMap { $0 }.joined(separator: ", ")
                + "; \(budgetRefusals) calls refused as over budget"
            rows.insert(("budget", line), at: 5)
        }
        for account in modes { rows.append(("mode \(account.mode.rawValue)", account.line)) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}

extension ModeAccount {
    /// One line of the summary: accuracy, calls, tokens, cost and the time its calls took.
    public var line: String {
        let score = accuracy.map { String(format: "%.1f%% (%d/%d)", $0 * 100, correct, graded) } ?? "n/a"
        return "\(instances) instances, accuracy \(score), \(calls) calls (\(failedCalls) failed), "
            + "\(inputTokens) in / \(outputTokens) out tokens, cost " + String(format: "%.6f, %.1f s of calls", cost, callSeconds)
    }
}
