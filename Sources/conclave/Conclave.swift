import ArgumentParser
import ConclaveCore
import Foundation

/// The `conclave` command line: validate configuration, run and profile pipelines, and inspect runs.
@main
struct Conclave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conclave",
        abstract: "Multi-agent LLM orchestration: recruit the experts each question needs, and aggregate their answers.",
        discussion: ExitStatus.helpText,
        version: ConclaveVersion.current,
        subcommands: [
            ValidateCommand.self, RunCommand.self, RunsCommand.self, DecisionsCommand.self, ExplainCommand.self, EvalRoutingCommand.self,
            ProfileCommand.self, TrainControllerCommand.self, EvalControllerCommand.self, ServeCommand.self, WorkerCommand.self,
        ]
    )

    /// Parses and runs the command; a command line that cannot be parsed or validated exits with
    /// `ExitStatus.badInput` (2) rather than ArgumentParser's 64, so every command keeps one set of statuses.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            printError(fullMessage(for: error))
            exit(withError: ExitStatus.badInput.code)
        }
    }
}
