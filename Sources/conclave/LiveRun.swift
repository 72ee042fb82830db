import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What `conclave run` and `conclave profile` share: the store, a connector to the real models, and a
/// `ServiceGroup` that runs the work beside the connector. The first SIGINT/SIGTERM shuts the group down
/// gracefully: the work stops dispatching and calls in flight finish (up to `grace` seconds, then the work
/// is cancelled); then the connector stops every llama-server and its HTTP client. A second signal kills
/// the servers at once and exits with status 130.
///
/// ```swift
/// let live = try await LiveRun.open(loaded, store: store, logs: logs, verbose: false)
/// let outcome = await live.execute(grace: 30) { stop in try await runner.run(options(stop)) }
/// ```
struct LiveRun {
    let store: SQLiteRunStore
    let connector: LiveConnector

    /// Opens the store and the connector; on failure prints why and exits with status 2.
    static func open(_ loaded: LoadedPipeline, store option: StoreOption, logs: URL, verbose: Bool) async throws -> LiveRun {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        do {
            let store = try option.open()
            let connector = try LiveConnector(registry: loaded.registry, environment: .current(), logDirectory: logs)
            return LiveRun(store: store, connector: connector)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.badInput.code
        }
    }

    /// Runs `work` and the connector as one service group until the work ends or a signal stops it; every
    /// server and the HTTP client are shut down when this returns.
    func execute<Value: Sendable>(grace: Double, _ work: @escaping @Sendable (StopSignal) async throws -> Value) async -> Result<Value, any Error> {
        let stop = StopSignal()
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        let worker = ClosureService {
            let result: Result<Value, any Error> = await withGracefulShutdownHandler {
                do { return .success(try await work(stop)) } catch { return .failure(error) }
            } onGracefulShutdown: {
                stop.request()
            }
            outcome.withLock { $0 = result }
        }
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: SignalNotice(grace: grace, runtime: connector.runtime)),
                .init(service: connector),
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigint, .sigterm],
            logger: Logger(label: "conclave.lifecycle")
        )
        configuration.maximumGracefulShutdownDuration = .seconds(max(0, grace))
        let group = ServiceGroup(configuration: configuration)
        do { try await group.run() } catch { outcome.withLock { $0 = $0 ?? .failure(error) } }
        return outcome.withLock { $0 } ?? .failure(CancellationError())
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
        throw ExitStatus.badInput.code
    }
}

/// Whether a run ended because it was asked to stop (Ctrl-C, SIGTERM), not because it failed.
func isStop(_ error: any Error) -> Bool { error is RunStopped || error is CancellationError }
