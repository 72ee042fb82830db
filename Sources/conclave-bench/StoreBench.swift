import ArgumentParser
import ConclaveEngine
import Foundation

/// `conclave-bench store`: calls persisted per second through the runner with a zero-latency backend.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Calls persisted per second through the runner and SQLite (target ≥ 20,000).")

    @Option(help: "Instances (each makes k expert calls and one aggregator call).") var instances = 5_000
    @Option(help: "Experts per instance.") var k = 3
    @Option(help: "Runs, each on a fresh store; the median is the figure.") var repeats = 5

    func run() async throws {
        var rates: [Double] = []
        for attempt in 1...max(1, repeats) {
            let workspace = try SyntheticWorkspace(instances: instances, k: k, window: 10_000)
            defer { workspace.remove() }
            let runner = Runner(pipeline: try workspace.pipeline(), connector: InstantConnector(), store: try workspace.store(), observer: SilentObserver())
            let started = Date()
            let summary = try await runner.run(RunOptions(runID: "bench", outputDirectory: workspace.output))
            let seconds = Date().timeIntervalSince(started)
            rates.append(Double(summary.calls) / seconds)
            print(String(format: "run %d: %d instances, %d calls persisted in %.2f s = %.0f calls/s", attempt, summary.instances, summary.calls, seconds, rates.last!))
        }
        let sorted = rates.sorted()
        print(String(format: "store: median %.0f calls/s over %d runs (min %.0f, max %.0f; SQLite WAL, group commit: each call is durable before its caller goes on; includes decisions, results and the results.jsonl export)",
                     sorted[sorted.count / 2], sorted.count, sorted.first!, sorted.last!))
    }
}
