import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import ConclaveTesting
import Foundation

/// One run through the runner `conclave run` uses, on the live connector (managed llama-servers) and a
/// SQLite store under `root`, timed; the servers are stopped whether the run succeeds or not.
///
/// ```swift
/// let measured = try await LiveBenchRun.run(pipeline, name: "grouped", root: root)
/// measured.summary.modelLoads
/// ```
struct LiveBenchRun {
    let store: SQLiteRunStore
    let summary: RunSummary
    let seconds: Double

    /// `storePath`: the store to keep the run in (default: `<name>.sqlite` under `root`).
    static func run(_ pipeline: LoadedPipeline, name: String, root: URL, limit: Int? = nil, storePath: String? = nil) async throws -> LiveBenchRun {
        let connector = try LiveConnector(
            registry: pipeline.registry,
            environment: .current(),
            logDirectory: root.appendingPathComponent("\(name)-logs")
        )
        let store = try SQLiteRunStore(path: storePath ?? root.appendingPathComponent("\(name).sqlite").path)
        let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: SilentObserver())
        let started = ContinuousClock.now
        let summary: RunSummary
        do {
            summary = try await runner.run(RunOptions(runID: name, limit: limit, outputDirectory: root.appendingPathComponent(name)))
        } catch {
            await connector.shutdown()
            throw error
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        await connector.shutdown()
        return LiveBenchRun(store: store, summary: summary, seconds: seconds)
    }
}
