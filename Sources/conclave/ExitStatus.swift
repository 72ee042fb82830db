import ArgumentParser

/// The exit statuses of `conclave`, one meaning each, used by every command and listed in `conclave --help`.
///
/// ```swift
/// throw ExitStatus.badInput.code          // exits with status 2
/// throw ExitStatus.notFound("no run 'r9'") // prints "error: no run 'r9'" and exits with status 2
/// ```
enum ExitStatus: Int32, CaseIterable {
    /// The command did what it was asked.
    case ok = 0
    /// Something failed on the way (a model, the store, a file that could not be written).
    case failure = 1
    /// What the user gave cannot be used: a configuration or dataset with problems, an unknown run or
    /// instance, a flag out of range.
    case badInput = 2
    /// A run was stopped by SIGINT or SIGTERM; everything finished is saved and it resumes.
    case stopped = 130

    var code: ExitCode { ExitCode(rawValue) }

    /// What the status means, for `--help`.
    var meaning: String {
        switch self {
        case .ok: "success"
        case .failure: "a failure on the way (a model, the store, a file)"
        case .badInput: "bad input: config or dataset problems, unknown run, bad flag"
        case .stopped: "stopped by SIGINT or SIGTERM (the run resumes with --run-id)"
        }
    }

    /// The statuses as lines for a command's discussion.
    static var helpText: String {
        "Exit status:\n"
            + allCases.map { "  \(String($0.rawValue).padding(toLength: 5, withPad: " ", startingAt: 0))\($0.meaning)" }.joined(separator: "\n")
    }

    /// Prints `error: message` and gives the bad-input status to throw: for a run, instance or file the
    /// user named that does not exist (not a `ValidationError`, which would print the usage).
    static func notFound(_ message: String) -> ExitCode {
        printError("error: \(message)")
        return ExitStatus.badInput.code
    }
}
