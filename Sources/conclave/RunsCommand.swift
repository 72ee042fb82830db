import ArgumentParser
import ConclaveCore
import ConclaveStore
import Foundation

/// `conclave runs list` and `conclave runs show RUN`.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs, or show one run's progress, accuracy, cost, loads and failures.",
        subcommands: [List.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every run in the store, newest first.")
        @OptionGroup var store: StoreOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let runs = try store.open().runs()
            if json { return try printJSON(runs) }
            guard !runs.isEmpty else { return print("no runs in \(store.resolvedPath)") }
            print(
                Table.render(
                    [["run", "pipeline", "status", "instances", "accuracy", "calls", "failed calls", "cost"]]
                        + runs.map { run in
                            [
                                run.id, run.pipeline, run.status.rawValue, "\(run.answered + run.failed)/\(run.instances)",
                                run.accuracy.map { String(format: "%.1f%%", $0 * 100) } ?? "-", "\(run.calls)", "\(run.failedCalls)",
                                String(format: "%.6f", run.cost),
                            ]
                        }
                )
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: progress, accuracy, cost, model loads and failed instances.")
        @Argument(help: "The run id.") var runID: String
        @OptionGroup var store: StoreOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let opened = try store.open()
            guard let info = try opened.run(runID) else { throw ExitStatus.notFound("no run '\(runID)' in \(store.resolvedPath)") }
            var failures: [FailedInstance] = []
            var ledger = ModeLedger()
            try opened.forEachResult(run: runID) { result in
                if let reason = result.failureReason { failures.append(FailedInstance(instance: result.id, reason: reason)) }
                ledger.add(result)
            }
            if json { return try printJSON(RunReport(run: info, modes: ledger.accounts, failures: failures)) }
            print(
                Table.render(
                    [
                        ["run", info.id], ["pipeline", "\(info.pipeline) (\(info.pipelinePath))"], ["status", info.status.rawValue],
                        ["progress", "\(info.answered + info.failed) of \(info.instances) decided instances finished"],
                        ["answered", "\(info.answered) (\(info.failed) failed)"],
                        ["accuracy", info.accuracy.map { String(format: "%.1f%% (%d/%d)", $0 * 100, info.correct, info.graded) } ?? "-"],
                        ["calls", "\(info.calls) (\(info.failedCalls) failed)"], ["tokens", "\(info.inputTokens) in, \(info.outputTokens) out"],
                        ["cost", String(format: "%.6f", info.cost)], ["model loads", "\(info.modelLoads) (\(info.modelUnloads) unloads)"],
                    ] + ledger.accounts.map { ["mode \($0.mode.rawValue)", $0.line] }
                )
            )
            for failure in failures.prefix(20) { print("failed \(failure.instance): \(failure.reason)") }
            if failures.count > 20 { print("… and \(failures.count - 20) more failed instances (see --json)") }
        }
    }

    struct FailedInstance: Encodable {
        var instance: String
        var reason: String
    }
    struct RunReport: Encodable {
        var run: RunInfo
        var modes: [ModeAccount]
        var failures: [FailedInstance]
    }
}
