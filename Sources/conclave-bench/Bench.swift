import ArgumentParser
import ConclaveCore

/// `conclave-bench`: prints the figures behind Conclave's performance targets.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conclave-bench",
        abstract: "Measure Conclave: grouped scheduling on local models, store throughput, memory on a streamed run, recruitment rate.",
        subcommands: [
            ScheduleLocalBench.self, StoreBench.self, MemoryBench.self, RecruitBench.self, FuzzBench.self, ModesBench.self, QueueBench.self,
            ChaosBench.self, GatewayBench.self,
        ]
    )
}
