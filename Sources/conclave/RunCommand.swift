import ArgumentParser
import AsyncHTTPClient
import ConclaveConfig
import ConclaveEngine
import ConclaveLLM
import Foundation
import Logging

/// `conclave run PIPELINE`: answers the pipeline's dataset with recruited local or remote experts.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over its dataset and write results.jsonl.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @Option(help: "Answer only the first N instances.")
    var limit: Int?

    @Option(help: "Output folder (default: the pipeline's outputs.dir, else runs/<name>).")
    var out: String?

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
        let output = out.map { URL(fileURLWithPath: $0) } ?? loaded.spec.outputDirectory
            ?? URL(fileURLWithPath: "runs").appendingPathComponent(loaded.spec.name)
        let logs = output.appendingPathComponent("logs")
        let httpClient = HTTPClient.conclave()
        let connector: LiveConnector
        do {
            connector = try LiveConnector(registry: loaded.registry, environment: .current(), logDirectory: logs,
                                          residentBudget: loaded.spec.residentModels, httpClient: httpClient)
        } catch {
            printError("error: \(error)")
            try? await httpClient.shutdown()
            throw ExitCode(2)
        }
        printError("pipeline \(loaded.spec.name): \(loaded.registry.experts.count) experts, k = \(loaded.spec.k), strategy \(loaded.spec.strategy.rawValue), seed \(loaded.spec.seed); server logs in \(logs.path)")
        let runner = Runner(pipeline: loaded, connector: connector, observer: ConsoleObserver())
        let task = Task { try await runner.run(limit: limit, outputDirectory: output) }
        let trap = SignalTrap(
            onFirst: { number in
                printError("\nreceived \(number == SIGINT ? "SIGINT" : "SIGTERM"): stopping; press Ctrl-C again to kill at once")
                task.cancel()
            },
            onRepeat: { _ in
                connector.runtime?.killAllImmediately()
                Foundation.exit(130)
            })
        let outcome = await task.result
        await connector.shutdown()
        try? await httpClient.shutdown()
        withExtendedLifetime(trap) {}
        switch outcome {
        case .success(let summary):
            var summary = summary
            summary.logDirectory = logs
            print("\n" + summary.table)
        case .failure(is CancellationError):
            printError("run stopped; every llama-server was shut down. Results so far: \(output.appendingPathComponent("results.jsonl").path)")
            throw ExitCode(130)
        case .failure(let error):
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}
