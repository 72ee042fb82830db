import ArgumentParser
import ConclaveCore
import ConclaveEngine
import ConclaveTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `conclave-bench memory`: peak resident memory of a large streamed run with a zero-latency backend.
struct MemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Peak RSS of a streamed run (target < 300 MB at 1,000,000 instances)."
    )

    @Option(help: "Instances in the generated dataset.") var instances = 1_000_000
    @Option(help: "Experts per instance.") var k = 1
    @Option(help: "Instances scheduled together.") var window = 10_000

    func run() async throws {
        let workspace = try SyntheticWorkspace(instances: instances, k: k, window: window)
        defer { workspace.remove() }
        let pipeline = try workspace.pipeline()
        let runner = Runner(
            pipeline: pipeline,
            dataset: pipeline.datasetReader,
            connector: InstantConnector(),
            store: try workspace.store(),
            observer: SilentObserver()
        )
        let started = Date()
        let summary = try await runner.run(RunOptions(runID: "memory", outputDirectory: workspace.output))
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(
            String(
                format: "memory: %d instances (%d calls) streamed in windows of %d in %.0f s; peak RSS %.0f MB",
                summary.instances,
                summary.calls,
                window,
                Date().timeIntervalSince(started),
                Double(usage.ru_maxrss) / 1024
            )
        )
    }
}
