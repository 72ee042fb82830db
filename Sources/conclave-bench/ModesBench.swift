import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveEvaluation
import ConclaveStore
import ConclaveTesting
import Foundation

/// `conclave-bench modes`: every collaboration mode through the runner `conclave run` uses, on the same
/// questions with the local models: accuracy with a 95% bootstrap interval, calls, tokens, model loads and
/// wall time per mode. Small local models score low; the table reports what they score.
struct ModesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modes",
        abstract: "Mode × (accuracy, calls, tokens, loads, wall time) on the same questions with the local models."
    )

    @Option(help: "The pipeline whose registry, dataset and settings are used.") var pipeline = "examples/medmcqa/pipeline.yaml"
    @Option(help: "Questions: the first N of the dataset.") var questions = 50
    @Option(help: "Keep the runs in this store, as runs mode-<mode> (for eval-controller); default: a temporary one.") var store: String?
    @Option(help: "Modes, comma-separated (default: all).") var modes = CollaborationMode.allCases.map(\.rawValue).joined(separator: ",")
    @OptionGroup var output: BenchOutput

    struct Row {
        var mode: CollaborationMode
        var summary: RunSummary
        var interval: ConfidenceInterval?
    }

    func run() async throws {
        let chosen = try modes.split(separator: ",").map { name in
            guard let mode = CollaborationMode(rawValue: String(name)) else { throw ValidationError("unknown mode '\(name)'") }
            return mode
        }
        let loaded = try ConfigLoader.loadPipeline(pipeline)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var rows: [Row] = []
        for mode in chosen {
            var pinned = loaded
            pinned.spec.collaboration.pin(mode)
            output.say("running \(mode.rawValue) on \(questions) questions…")
            rows.append(try await measure(pinned, mode: mode, root: root))
        }
        output.say(
            "modes: \(questions) questions of \(loaded.spec.dataset.lastPathComponent), experts \(loaded.registry.experts.map(\.id).joined(separator: ", ")), k = \(loaded.spec.k), rounds \(loaded.spec.collaboration.rounds)"
        )
        output.say("  mode        accuracy (95% interval)     calls   tokens in/out     loads   wall s")
        for row in rows {
            let summary = row.summary
            let interval = row.interval.map { String(format: "%.2f–%.2f", $0.lower, $0.upper) } ?? "-"
            output.say(
                "  " + row.mode.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(
                        format: "  %.3f (%@) %3d/%3d  %6d  %7d / %6d  %5d  %7.1f",
                        summary.accuracy ?? 0,
                        interval,
                        summary.correct,
                        summary.graded,
                        summary.calls,
                        summary.inputTokens,
                        summary.outputTokens,
                        summary.modelLoads,
                        summary.wallTime.inSeconds
                    )
            )
        }
        try output.figures([
            "questions": .int(questions),
            "modes": .list(
                rows.map { row in
                    .object([
                        "mode": .string(row.mode.rawValue),
                        "accuracy": .double(row.summary.accuracy ?? 0),
                        "accuracy_low": .double(row.interval?.lower ?? 0),
                        "accuracy_high": .double(row.interval?.upper ?? 0),
                        "correct": .int(row.summary.correct),
                        "graded": .int(row.summary.graded),
                        "failed": .int(row.summary.failed),
                        "calls": .int(row.summary.calls),
                        "input_tokens": .int(row.summary.inputTokens),
                        "output_tokens": .int(row.summary.outputTokens),
                        "model_loads": .int(row.summary.modelLoads),
                        "wall_seconds": .double(row.summary.wallTime.inSeconds),
                    ])
                }
            ),
        ])
    }

    /// One mode's run, as `conclave run --mode` makes it, and the interval of its accuracy.
    private func measure(_ pipeline: LoadedPipeline, mode: CollaborationMode, root: URL) async throws -> Row {
        let measured = try await LiveBenchRun.run(pipeline, name: "mode-\(mode.rawValue)", root: root, limit: questions, storePath: store)
        var outcomes: [Double] = []
        try measured.store.forEachResult(run: "mode-\(mode.rawValue)") { result in
            if let correct = result.correct { outcomes.append(correct ? 1 : 0) }
        }
        return Row(mode: mode, summary: measured.summary, interval: PercentileBootstrap().interval(ofMeanOf: outcomes))
    }
}
