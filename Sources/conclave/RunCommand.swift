import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation

/// `conclave run PIPELINE`: answers the pipeline's dataset with recruited local or remote experts; a run
/// is durable and resumes with `--run-id`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over its dataset; results go to the store and to results.jsonl.",
        discussion:
            "Ctrl-C stops dispatching, lets calls in flight finish (up to --grace seconds), saves, stops the llama-servers and prints how to resume."
    )

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @OptionGroup var controls: RunControls

    @Option(help: "Pin every instance's collaboration mode, for an ablation.")
    var mode: CollaborationMode?

    @Option(help: "Draw the mode at random for this seeded share of instances (0–1), logging each choice's probability for train-controller.")
    var explore: Double?

    func validate() throws {
        if let explore, !(0...1).contains(explore) { throw ValidationError("--explore must be between 0 and 1") }
        if explore != nil, mode != nil { throw ValidationError("give --mode or --explore, not both: a pinned mode is not explored") }
    }

    @Flag(help: "Print the summary as JSON on standard output (progress stays on standard error).")
    var json = false

    /// The JSON `--json` prints: the summary's figures, flat.
    struct Report: Encodable {
        var runID: String
        var instances, answered, failed, skippedRows, graded, correct: Int
        var accuracy: Double?
        var calls, failedCalls, inputTokens, outputTokens: Int
        var cost: Double
        var modelLoads, modelUnloads, serverRestarts: Int
        var wallSeconds: Double
        var resultsFile: String?
        var logDirectory: String?
        var modes: [ModeAccount]

        init(runID: String, _ summary: RunSummary) {
            self.runID = runID
            (instances, answered, failed, skippedRows) = (summary.instances, summary.answered, summary.failed, summary.skippedRows)
            (graded, correct, accuracy) = (summary.graded, summary.correct, summary.accuracy)
            (calls, failedCalls, inputTokens, outputTokens) = (summary.calls, summary.failedCalls, summary.inputTokens, summary.outputTokens)
            cost = summary.cost
            (modelLoads, modelUnloads, serverRestarts) = (summary.modelLoads, summary.modelUnloads, summary.serverRestarts)
            wallSeconds = summary.wallTime.inSeconds
            resultsFile = summary.resultsFile?.path
            logDirectory = summary.logDirectory?.path
            modes = summary.modes
        }
    }

    func run() async throws {
        var loaded = try loadPipelineOrExit(pipeline)
        if let mode { loaded.spec.collaboration.pin(mode) }
        if let explore { loaded.spec.collaboration.explore = explore }
        let store = controls.store
        let id = controls.runID ?? RunOptions.newRunID()
        let output = controls.output(for: id, pipelineDefault: loaded.spec.outputDirectory)
        let logs = output.appendingPathComponent("logs")
        let live = try await LiveRun.open(loaded, store: store, logs: logs, verbose: controls.verbose)
        printError(
            "run \(id) of pipeline \(loaded.spec.name): \(loaded.registry.experts.count) experts, mode \(loaded.spec.collaboration.mode.rawValue), k = \(loaded.spec.k), strategy \(loaded.spec.strategy.rawValue), seed \(loaded.spec.seed); store \(store.resolvedPath); server logs in \(logs.path)"
        )
        let peeking = loaded.profilesMeasuredOnDataset
        if !peeking.isEmpty {
            printError(
                "warning: the profiles of \(peeking.map(\.expert).joined(separator: ", ")) were measured on \(loaded.spec.dataset.path), the dataset this run answers: recruitment has seen these questions' answers, so this run's accuracy is not a held-out figure"
            )
        }
        let runner = Runner(
            pipeline: loaded,
            dataset: loaded.datasetReader,
            connector: live.connector,
            store: live.store,
            observer: ConsoleObserver(instanceLinesUpTo: json ? 0 : 200)
        )
        let limit = controls.limit
        let outcome = await live.execute(grace: controls.grace) { stop in
            try await runner.run(RunOptions(runID: id, limit: limit, outputDirectory: output, stop: stop))
        }
        let resume = "conclave run \(pipeline) --run-id \(id)" + (store.path.map { " --store \($0)" } ?? "")
        switch outcome {
        case .success(var summary):
            summary.logDirectory = logs
            if json { return try printJSON(Report(runID: id, summary)) }
            print("\n" + summary.table)
            print("run id       \(id)")
        case .failure(let error) where isStop(error):
            printError("run \(id) stopped; every finished call is saved and every llama-server was shut down.\nresume with: \(resume)")
            throw ExitStatus.stopped.code
        case .failure(let error as RunMismatch):
            printError("error: \(error)")
            throw ExitStatus.badInput.code
        case .failure(let error):
            printError("error: \(error)\nresume with: \(resume)")
            throw ExitStatus.failure.code
        }
    }
}

extension CollaborationMode: ExpressibleByArgument {}
