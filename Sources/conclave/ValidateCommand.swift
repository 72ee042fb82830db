import ArgumentParser
import ConclaveConfig
import ConclaveCore

/// `conclave validate [PATH…]`: prints every configuration problem as `file:line:column: message`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check Agents/, Skills/ and pipeline files; print each problem as file:line:column: message.",
        discussion:
            "Without paths, checks Agents/, Skills/ and examples/*/pipeline.yaml under the current folder. Exits with status 2 when any problem is found."
    )

    @Argument(help: "Files or folders to check.")
    var paths: [String] = []

    @Flag(help: "Print the problems as JSON: {\"problems\": [{file, line, column, message}]}.")
    var json = false

    /// The JSON `--json` prints.
    struct Report: Encodable {
        var problems: [Diagnostic]
    }

    func run() throws {
        let problems = ConfigLoader.validate(paths: paths)
        if json {
            try printJSON(Report(problems: problems))
        } else {
            for problem in problems { print(problem) }
        }
        guard problems.isEmpty else {
            printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitStatus.badInput.code
        }
        if !json { print("no problems found") }
    }
}
