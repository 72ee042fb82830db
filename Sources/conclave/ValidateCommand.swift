import ConclaveCore
import ArgumentParser
import ConclaveConfig

/// `conclave validate [PATH…]`: prints every configuration problem as `file:line:column: message`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check Agents/, Skills/ and pipeline files; print each problem as file:line:column: message.",
        discussion: "Without paths, checks Agents/, Skills/ and examples/*/pipeline.yaml under the current folder.")

    @Argument(help: "Files or folders to check.")
    var paths: [String] = []

    func run() throws {
        let problems = ConfigLoader.validate(paths: paths)
        for problem in problems { print(problem) }
        guard problems.isEmpty else {
            printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        print("no problems found")
    }
}
