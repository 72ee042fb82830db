import ConclaveCore
import ArgumentParser

/// The `conclave` command line: validate configuration and run pipelines.
@main
struct Conclave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conclave",
        abstract: "Multi-agent LLM orchestration: recruit the experts each question needs, and aggregate their answers.",
        subcommands: [ValidateCommand.self, RunCommand.self, RunsCommand.self, DecisionsCommand.self, ExplainCommand.self, EvalRoutingCommand.self,
                      ProfileCommand.self])
}
