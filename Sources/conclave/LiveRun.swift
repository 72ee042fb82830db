import ArgumentParser
import AsyncHTTPClient
import ConclaveConfig
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import Foundation
import Logging

/// What `conclave run` and `conclave profile` share: the store, a connector to the real models, and
/// Ctrl-C handling. The first SIGINT/SIGTERM stops dispatching and lets calls in flight finish (up to
/// `grace` seconds); the second kills the llama-servers and exits. Every llama-server is stopped at the end.
///
/// ```swift
/// let live = try LiveRun.open(loaded, store: store, logs: logs, verbose: false)
/// let outcome = await live.execute(grace: 30) { stop in try await runner.run(options(stop)) }
/// ```
struct LiveRun {
    let store: SQLiteRunStore
    let connector: LiveConnector
    private let httpClient: HTTPClient

    /// Opens the store and the connector; on failure prints why and exits with status 2.
    static func open(_ loaded: LoadedPipeline, store option: StoreOption, logs: URL, verbose: Bool) async throws -> LiveRun {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        let httpClient = HTTPClient.conclave()
        do {
            let store = try option.open()
            let connector = try LiveConnector(registry: loaded.registry, environment: .current(), logDirectory: logs, httpClient: httpClient)
            return LiveRun(store: store, connector: connector, httpClient: httpClient)
        } catch {
            printError("error: \(error)")
            try? await httpClient.shutdown()
            throw ExitCode(2)
        }
    }

    /// Runs `work` with a stop signal wired to Ctrl-C, then shuts every server and the HTTP client down.
    func execute<Value: Sendable>(grace: Double, _ work: @escaping @Sendable (StopSignal) async throws -> Value) async -> Result<Value, any Error> {
        let stop = StopSignal()
        let task = Task { try await work(stop) }
        let connector = self.connector
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
        return outcome
    }
}

/// The options every command that runs models shares: which run, how many instances, where its output
/// goes, how Ctrl-C is handled, the store, and logging.
struct RunControls: ParsableArguments {
    @Option(help: "Use only the first N instances of the dataset.")
    var limit: Int?

    @Option(help: "Output folder for results.jsonl and server logs (default: the pipeline's outputs.dir, else runs/<run id>).")
    var out: String?

    @Option(name: .customLong("run-id"), help: "Resume this run, or start a run with this id.")
    var runID: String?

    @Option(help: "Seconds calls in flight may take to finish after Ctrl-C.")
    var grace: Double = 30

    @OptionGroup var store: StoreOption

    @Flag(help: "Log model loads and unloads.")
    var verbose = false

    /// The output folder of run `id`.
    func output(for id: String, pipelineDefault: URL?) -> URL {
        out.map { URL(fileURLWithPath: $0) } ?? pipelineDefault ?? URL(fileURLWithPath: "runs").appendingPathComponent(id)
    }
}

/// Loads a pipeline for a command; on failure prints every problem and exits with status 2.
func loadPipelineOrExit(_ path: String) throws -> LoadedPipeline {
    do { return try ConfigLoader.loadPipeline(path) } catch {
        printError(error.description)
        throw ExitCode(2)
    }
}

/// Whether a run ended because it was asked to stop (Ctrl-C, SIGTERM), not because it failed.
func isStop(_ error: any Error) -> Bool { error is RunStopped || error is CancellationError }
