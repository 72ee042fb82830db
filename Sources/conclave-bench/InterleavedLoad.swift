import Foundation

/// Loads that are compared run in turns: each target's time is cut into slices, and the slices alternate
/// (A, B, A, B, …), so that the machine's speed, which drifts by tens of percent within minutes here,
/// weighs on every target alike instead of on whichever ran in a slow minute. Each target first gets a
/// second of untimed warm-up; its figures are those of all its slices together, and the CPU time of
/// its process (and of this one, the load's) is counted over its slices only.
///
/// ```swift
/// let outcomes = await InterleavedLoad.run(
///     [.init(conclaveLoad, process: servePID), .init(litellmLoad)], connections: 64, duration: .seconds(15), slices: 3)
/// outcomes[0].figures.perSecond / outcomes[1].figures.perSecond
/// ```
enum InterleavedLoad {
    /// A load and the process answering it whose CPU time is counted (nil: none).
    struct Target {
        var generator: LoadGenerator
        var process: Int32?

        init(_ generator: LoadGenerator, process: Int32? = nil) {
            self.generator = generator
            self.process = process
        }
    }

    /// What one target's slices measured together.
    struct Outcome {
        var figures: LoadGenerator.Figures
        var firstFailure: String?
        /// Requests per second of each slice, in order.
        var slices: [Double] = []
        /// CPU seconds the target's process used during its slices (nil without one, or without `/proc`).
        var processCPU: Double?
        /// CPU seconds this process (the client and the benchmark's upstream) used during them.
        var loadCPU: Double?
    }

    static func run(_ targets: [Target], connections: Int, duration: Duration, slices: Int) async -> [Outcome] {
        let slices = max(1, slices)
        let slice = duration / slices
        for target in targets { _ = await target.generator.run(connections: connections, duration: .seconds(1)) }
        var outcomes = targets.map { _ in
            Outcome(figures: LoadGenerator.Figures(requests: 0, failures: 0, seconds: 0, latencies: []), processCPU: 0, loadCPU: 0)
        }
        for _ in 0..<slices {
            for (index, target) in targets.enumerated() {
                let processBefore = target.process.flatMap(ProcessCPU.seconds(of:))
                let loadBefore = ProcessCPU.seconds(of: getpid())
                let (figures, failure) = await target.generator.run(connections: connections, duration: slice)
                let processAfter = target.process.flatMap(ProcessCPU.seconds(of:))
                let loadAfter = ProcessCPU.seconds(of: getpid())
                outcomes[index].figures.add(figures)
                outcomes[index].firstFailure = outcomes[index].firstFailure ?? failure
                outcomes[index].slices.append(figures.perSecond)
                outcomes[index].processCPU = adding(processBefore, processAfter, to: outcomes[index].processCPU)
                outcomes[index].loadCPU = adding(loadBefore, loadAfter, to: outcomes[index].loadCPU)
            }
        }
        return outcomes
    }

    /// `total` plus the CPU time used between the two readings; nil once any reading is missing.
    private static func adding(_ before: Double?, _ after: Double?, to total: Double?) -> Double? {
        guard let before, let after, let total else { return nil }
        return total + after - before
    }
}
