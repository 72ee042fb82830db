import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import Foundation

/// `conclave train-controller`: fits the collaboration-mode policy on logged runs and writes it as YAML a
/// pipeline can use (`collaboration: { policy: FILE }`).
struct TrainControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-controller",
        abstract: "Fit a collaboration-mode policy on logged runs (per-skill mode success and cost) and write it as YAML.",
        discussion: """
            Every graded instance of the runs counts, weighted by the inverse of the probability its mode had \
            (runs with --explore log it); per mode, success is shrunk toward the mean of all logs and, per skill, \
            toward the mode's overall success, by --prior-strength pseudo-instances, so unseen skill–mode pairs \
            fall back to the mode's overall estimate. The policy picks the mode with the best success − λ × cost.
            """
    )

    @Option(parsing: .upToNextOption, help: "The logged runs to learn from.") var runs: [String]
    @Option(help: "Where to write the policy YAML.") var out: String
    @Option(help: "The price of cost in success (λ).") var lambda = 0.0
    @Option(help: "Pseudo-instances of the prior behind every estimate.") var priorStrength = 5.0
    @OptionGroup var store: StoreOption

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run with --runs") }
        if !(lambda >= 0 && lambda.isFinite) { throw ValidationError("--lambda must be a non-negative number") }
        if !(priorStrength >= 0 && priorStrength.isFinite) { throw ValidationError("--prior-strength must be a non-negative number") }
    }

    func run() async throws {
        let logs = try await store.loggedInstances(runs: runs)
        guard !logs.isEmpty else { throw ExitStatus.notFound("the runs \(runs.joined(separator: ", ")) have no graded instance to learn from") }
        let policy = ModeLearner(priorStrength: priorStrength).fit(logs, lambda: lambda)
        try ModePolicyFile.yaml(policy, trainedOn: runs).write(toFile: out, atomically: true, encoding: .utf8)
        print("learned from \(logs.count) graded instances of \(runs.count) run\(runs.count == 1 ? "" : "s"); wrote \(out)")
        print(
            Table.render(
                [["mode", "instances", "success", "cost"]]
                    + CollaborationMode.allCases.compactMap { mode in
                        policy.modes[mode].map {
                            [mode.rawValue, "\($0.instances)", String(format: "%.3f", $0.success), String(format: "%.6f", $0.cost)]
                        }
                    }
            )
        )
    }
}

extension StoreOption {
    /// The graded instances of these runs, for the mode controller; an unknown run exits with status 2.
    func loggedInstances(runs: [String]) async throws -> [LoggedInstance] {
        do { return try await ControllerLogs.load(from: try open(), runs: runs) } catch let error as ControllerLogs.UnknownRun {
            throw ExitStatus.notFound("\(error) (\(resolvedPath))")
        }
    }
}
