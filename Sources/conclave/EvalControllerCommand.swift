import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveEvaluation
import Foundation

/// `conclave eval-controller`: the learned mode policy against hand-set ones, judged on held-out logged
/// instances by inverse-propensity weighting, with bootstrap intervals.
struct EvalControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-controller",
        abstract: "Compare the learned mode policy with fixed modes on held-out logged instances (inverse-propensity weighted, with intervals).",
        discussion: """
            The runs' graded instances are split by a seeded hash of their id: --holdout of them are held out, \
            the policy is fitted on the rest exactly as train-controller fits it, and then every policy (the \
            learned one, each fixed mode, and --policy files) is judged on the held-out instances: each logged \
            record whose mode the policy would also choose counts its outcome over the probability its mode had. \
            That is unbiased when, per instance, the runs' chances of each mode add up to one: one run with \
            --explore, or one run pinned to each mode with --mode. Intervals are 95% bootstrap intervals over \
            held-out instances.
            """
    )

    @Option(parsing: .upToNextOption, help: "The logged runs.") var runs: [String]
    @Option(help: "The share of instances held out for judging.") var holdout = 0.3
    @Option(help: "Seed of the split and the bootstrap.") var seed: UInt64 = 42
    @Option(help: "The price of cost in success (λ) for the learned policy.") var lambda = 0.0
    @Option(help: "Pseudo-instances of the prior behind every estimate.") var priorStrength = 5.0
    @Option(parsing: .upToNextOption, help: "Hand-written policy files to judge as well.") var policy: [String] = []
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: StoreOption

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run with --runs") }
        if !(holdout > 0 && holdout < 1) { throw ValidationError("--holdout must be between 0 and 1") }
        if !(lambda >= 0 && lambda.isFinite) { throw ValidationError("--lambda must be a non-negative number") }
        if !(priorStrength >= 0 && priorStrength.isFinite) { throw ValidationError("--prior-strength must be a non-negative number") }
    }

    /// One policy's estimated figures on the held-out instances.
    struct Row: Encodable {
        var policy: String
        var accuracy: Double
        var accuracyInterval: ConfidenceInterval?
        var cost: Double
        var costInterval: ConfidenceInterval?
        var matchedRecords: Int
    }

    struct Report: Encodable {
        var trainInstances: Int
        var heldOutInstances: Int
        var rows: [Row]
    }

    func run() async throws {
        let logs = try await store.loggedInstances(runs: runs)
        let isHeldOut = { (id: String) in Double(StableHash.fnv1a("\(seed):\(id)") % 10_000) / 10_000 < holdout }
        let train = logs.filter { !isHeldOut($0.id) }
        let test = logs.filter { isHeldOut($0.id) }
        guard !train.isEmpty, !test.isEmpty else {
            throw ExitStatus.notFound("the runs have \(Set(logs.map(\.id)).count) graded instances: too few to hold \(holdout) of them out")
        }
        let learned = ModeLearner(priorStrength: priorStrength).fit(train, lambda: lambda)
        var policies: [(String, (LoggedInstance) -> CollaborationMode)] = [("learned", { learned.choose(for: $0.skills) ?? .ensemble })]
        for path in policy {
            let given = try loadPolicyOrExit(path)
            policies.append((path, { given.choose(for: $0.skills) ?? .ensemble }))
        }
        for mode in CollaborationMode.allCases where logs.contains(where: { $0.mode == mode }) {
            policies.append(("always \(mode.rawValue)", { _ in mode }))
        }
        let bootstrap = PercentileBootstrap(seed: seed)
        let rows = policies.map { name, choose in
            let value = PolicyValue.estimate(test, bootstrap: bootstrap, policy: choose)
            return Row(
                policy: name,
                accuracy: value.success.mean,
                accuracyInterval: value.success.interval,
                cost: value.cost.mean,
                costInterval: value.cost.interval,
                matchedRecords: value.matched
            )
        }
        let report = Report(trainInstances: Set(train.map(\.id)).count, heldOutInstances: Set(test.map(\.id)).count, rows: rows)
        if json { return try printJSON(report) }
        print("fitted on \(report.trainInstances) instances, judged on \(report.heldOutInstances) held-out instances (IPS, 95% bootstrap intervals)")
        func interval(_ value: ConfidenceInterval?, _ format: String) -> String {
            value.map { "\(String(format: format, $0.lower))–\(String(format: format, $0.upper))" } ?? "-"
        }
        print(
            Table.render(
                [["policy", "accuracy", "interval", "cost", "interval", "matched records"]]
                    + rows.map {
                        [
                            $0.policy, String(format: "%.3f", $0.accuracy), interval($0.accuracyInterval, "%.3f"), String(format: "%.6f", $0.cost),
                            interval($0.costInterval, "%.6f"), "\($0.matchedRecords)",
                        ]
                    }
            )
        )
    }

    private func loadPolicyOrExit(_ path: String) throws -> ModePolicy {
        do { return try ModePolicyFile.read(path) } catch {
            printError(error.description)
            throw ExitStatus.badInput.code
        }
    }
}
