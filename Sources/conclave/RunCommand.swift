import ArgumentParser
import AsyncHTTPClient
import ConclaveConfig
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import Foundation
import Logging

/// `conclave run PIPELINE`: answers the pipeline's dataset with recruited local or remote experts; a run
/// is durable and resumes with `--run-id`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over its dataset; results go to the store and to results.jsonl.",
        discussion: "Ctrl-C stops dispatching, lets calls in flight finish (up to --grace seconds), saves, stops the llama-servers and prints how to resume.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @Option(help: "Answer only the first N instances.")
    var limit: Int?

    @Option(help: "Output folder (default: the pipeline's outputs.dir, else runs/<run id>).")
    var out: String?

    @Option(name: .customLong("run-id"), help: "Resume this run, or start a run with this id.")
    var runID: String?

    @Option(help: "Seconds calls in flight may take to finish after Ctrl-C.")
    var grace: Double = 30

    @OptionGroup var store: StoreOption

    @Flag(help: "Log model loads and unloads.")
    var verbose = false

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        let loaded: LoadedPipeline
        do { loaded = try ConfigLoader.loadPipeline(pipeline) } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let id = runID ?? RunOptions.newRunID()
        let output = out.map { URL(fileURLWithPath: $0) } ?? loaded.spec.outputDirectory
            ?? URL(fileURLWithPath: "runs").appendingPathComponent(id)
        let logs = output.appendingPathComponent("logs")
        let httpClient = HTTPClient.conclave()
        let connector: LiveConnector
        let runStore: any RunStore
        do {
            runStore = try store.open()
            connector = try LiveConnector(registry: loaded.registry, environment: .current(), logDirectory: logs, httpClient: httpClient)
        } catch {
            printError("error: \(error)")
            try? await httpClient.shutdown()
            throw ExitCode(2)
        }
        printError("run \(id) of pipeline \(loaded.spec.name): \(loaded.registry.experts.count) experts, k = \(loaded.spec.k), strategy \(loaded.spec.strategy.rawValue), seed \(loaded.spec.seed); store \(store.resolvedPath); server logs in \(logs.path)")
        let stop = StopSignal()
        let runner = Runner(pipeline: loaded, connector: connector, store: runStore, observer: ConsoleObserver())
        let options = RunOptions(runID: id, limit: limit, outputDirectory: output, stop: stop)
        let task = Task { try await runner.run(options) }
        let grace = self.grace
        let trap = SignalTrap(
            onFirst: { number in
                printError("\nreceived \(number == SIGINT ? "SIGINT" : "SIGTERM"): no new calls; waiting up to \(Int(grace)) s for calls in flight. Press Ctrl-C again to stop at once.")
                stop.request()
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(grace * 1_000_000_000))
                    task.cancel()
                }
            },
            onRepeat: { _ in
                connector.runtime?.killAllImmediately()
                Foundation.exit(130)
            })
        let outcome = await task.result
        await connector.shutdown()
        try? await httpClient.shutdown()
        withExtendedLifetime(trap) {}
        let resume = "conclave run \(pipeline) --run-id \(id)" + (store.path.map { " --store \($0)" } ?? "")
        switch outcome {
        case .success(var summary):
            summary.logDirectory = logs
            print("\n" + summary.table)
            print("run id       \(id)")
        case .failure(let error) where error is RunStopped || error is CancellationError:
            printError("run \(id) stopped; every finished call is saved and every llama-server was shut down.\nresume with: \(resume)")
            throw ExitCode(130)
        case .failure(let error):
            printError("error: \(error)\nresume with: \(resume)")
            throw ExitCode(1)
        }
    }
}
