import ArgumentParser
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import ConclaveTesting
import Foundation

/// `conclave-bench store`: calls persisted per second through the runner with a zero-latency backend, for
/// each durability, with the disk's own limit (synced appends per second) measured in the same run.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Calls persisted per second through the runner and SQLite (targets: full ≥ 10,000, normal ≥ 30,000)."
    )

    @Option(help: "Instances (each makes k expert calls and one aggregator call).") var instances = 5_000
    @Option(help: "Experts per instance.") var k = 3
    @Option(help: "Runs per durability, each on a fresh store; the median is the figure.") var repeats = 5
    @OptionGroup var output: BenchOutput

    func run() async throws {
        var figures: [String: BenchValue] = ["instances": .int(instances), "k": .int(k), "repeats": .int(repeats)]
        for durability in Durability.allCases {
            var rates: [Double] = []
            for attempt in 1...max(1, repeats) {
                let workspace = try SyntheticWorkspace(instances: instances, k: k, window: 10_000)
                defer { workspace.remove() }
                let pipeline = try workspace.pipeline()
                let runner = Runner(
                    pipeline: pipeline,
                    dataset: pipeline.datasetReader,
                    connector: InstantConnector(),
                    store: try workspace.store(durability: durability),
                    observer: SilentObserver()
                )
                let started = ContinuousClock.now
                let summary = try await runner.run(RunOptions(runID: "bench", outputDirectory: workspace.output))
                let seconds = (ContinuousClock.now - started).inSeconds
                rates.append(Double(summary.calls) / seconds)
                output.say(
                    String(
                        format: "%@ run %d: %d instances, %d calls persisted in %.2f s = %.0f calls/s",
                        durability.rawValue,
                        attempt,
                        summary.instances,
                        summary.calls,
                        seconds,
                        rates[rates.count - 1]
                    )
                )
            }
            let sorted = rates.sorted()
            output.say(
                String(
                    format:
                        "store, durability %@: median %.0f calls/s over %d runs (min %.0f, max %.0f; includes decisions, results and the results.jsonl export)",
                    durability.rawValue,
                    sorted[sorted.count / 2],
                    sorted.count,
                    sorted[0],
                    sorted[sorted.count - 1]
                )
            )
            figures["\(durability.rawValue)_calls_per_s"] = .double(sorted[sorted.count / 2])
            figures["\(durability.rawValue)_min_calls_per_s"] = .double(sorted[0])
        }
        let syncs = try syncedAppendsPerSecond()
        output.say(
            String(
                format:
                    "disk limit: %.0f synced appends/s (write + fsync of one small record, one at a time); full durability persisted %.1f calls per such sync time, so calls share syncs (group commit)",
                syncs,
                (figures["full_calls_per_s"].flatMap { if case .double(let value) = $0 { value } else { nil } } ?? 0) / max(syncs, 1)
            )
        )
        figures["fsyncs_per_s"] = .double(syncs)
        try output.figures(figures)
    }

    /// The physical limit under `full`: how many small appends, each followed by fsync, the disk takes per
    /// second in the folder the stores use.
    private func syncedAppendsPerSecond(count: Int = 2_000) throws -> Double {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-fsync-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let record = Data(repeating: 0x2A, count: 256)
        let started = ContinuousClock.now
        for _ in 0..<count {
            try handle.write(contentsOf: record)
            try handle.synchronize()
        }
        return Double(count) / (ContinuousClock.now - started).inSeconds
    }
}
