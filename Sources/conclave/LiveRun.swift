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

/// Loads a pipeline for a command; on failure prints every problem and exits with status 2.
func loadPipelineOrExit(_ path: String) throws -> LoadedPipeline {
    do { return try ConfigLoader.loadPipeline(path) } catch {
        printError(error.description)
        throw ExitCode(2)
    }
}

/// Whether a run ended because it was asked to stop (Ctrl-C, SIGTERM), not because it failed.
func isStop(_ error: any Error) -> Bool { error is RunStopped || error is CancellationError }
