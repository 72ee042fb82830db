import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEvaluation
import Foundation

/// `conclave eval-routing`: how well recruitment routes questions to models, judged offline on recorded
/// outcomes (no model is called). The headline is one configuration chosen on training data only; the
/// table of every strategy is printed after it as diagnostics.
struct EvalRoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-routing",
        abstract:
            "Judge routing on recorded outcomes: a configuration chosen on training data only, with bootstrap intervals, then every strategy as diagnostics.",
        discussion: """
            Selection: inside each training part (each fold's other folds with --folds; all of --outcomes with \
            --test), an inner cross-validation (--inner-folds) judges every top-1 candidate (symbolic, top-k, \
            symbolic with rare experts replaced, cost-aware at each λ factor, learned at each neighbour count and \
            λ factor; --strategies restricts them); the most accurate whose inner cost \
            is at most --budget of the inner best single model's wins (none fits: the cheapest). That one \
            configuration is then judged on the held-out questions, with 95% percentile-bootstrap intervals over \
            questions for its accuracy and its paired difference from the best single model. Skills come from \
            the registry vocabulary (--skills) plus terms mined from the training questions; profiles are built \
            from the training part. The cost of a call is its model's prices applied to the question's \
            estimated tokens (4 bytes per token) plus --output-tokens assumed output tokens.
            """
    )

    @Option(help: "Outcomes: JSONL rows {id, question, scores: {model: 0…1}}.") var outcomes: String
    @Option(help: "Model prices: {model: {input_price_per_mtok, output_price_per_mtok}}.") var models: String
    @Option(help: "Cross-validate on --outcomes with this many folds (the default when --test is not given).") var folds: Int?
    @Option(help: "Select and profile on all of --outcomes and judge on this file (same shape, no shared id or question).") var test: String?
    @Option(help: "Folds of the inner cross-validation that selects the configuration on each training part.") var innerFolds = 5
    @Option(help: "Cost share of the best single model the selected configuration may spend.") var budget = 0.6
    @Option(help: "Bootstrap resamples for the 95% intervals.") var bootstrap = 1000
    @Option(help: "Seed for folds, symbolic draws and the bootstrap.") var seed: UInt64 = 42
    @Option(help: "Repeat with seeds seed, seed+1, … and report the spread of the selected figures.") var seeds = 1
    @Option(help: "The registry's Skills folder.") var skills = "Skills"
    @Option(help: "Assumed output tokens per call, for costs.") var outputTokens = 64
    @Option(help: "A term must occur in at least this many training questions to become a skill.") var minTermCount = 20
    @Option(
        help:
            "The strategies the selection chooses among, comma-separated (symbolic, top-k, symbolic-rare-replaced, cost-aware, learned); all when not given."
    )
    var strategies: String?
    @Option(help: "Neighbour counts of the learned router's candidates, comma-separated.") var neighbors = "50,100,150,200,300"
    @Option(help: "Write the cost–accuracy chart as SVG to this file.") var plot: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if folds != nil, test != nil { throw ValidationError("give --folds or --test, not both") }
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
        if innerFolds < 2 { throw ValidationError("--inner-folds must be at least 2") }
        if bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1") }
        if !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be a positive number") }
        _ = try chosenStrategies()
        _ = try neighborCounts()
    }

    /// `--strategies` as a set; nil when not given.
    private func chosenStrategies() throws -> Set<RoutingCandidate.Strategy>? {
        guard let strategies else { return nil }
        let names = strategies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let known = RoutingCandidate.Strategy.allCases.map(\.rawValue)
        guard let unknown = names.first(where: { RoutingCandidate.Strategy(rawValue: $0) == nil }) else {
            return Set(names.compactMap(RoutingCandidate.Strategy.init(rawValue:)))
        }
        throw ValidationError("unknown strategy '\(unknown)' in --strategies (known: \(known.joined(separator: ", ")))")
    }

    /// `--neighbors` as counts, each at least 1.
    private func neighborCounts() throws -> [Int] {
        let counts = neighbors.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else {
            throw ValidationError("--neighbors must be comma-separated counts from 1 to 100000, e.g. 50,100,150")
        }
        return counts.compactMap { $0 }
    }

    func run() throws {
        let read = try OutcomeFile.read(outcomes: URL(fileURLWithPath: outcomes), models: URL(fileURLWithPath: models))
        for problem in read.skipped { printError("skipped: \(problem)") }
        var settings = RoutingEvaluation.Settings(
            skills: FileManager.default.fileExists(atPath: skills) ? try ConfigLoader.loadSkills(directory: skills) : []
        )
        settings.outputTokens = outputTokens
        settings.minimumTermCount = minTermCount
        settings.seed = seed
        settings.budgetShare = budget
        settings.innerFolds = innerFolds
        settings.bootstrapResamples = bootstrap
        settings.strategies = try chosenStrategies()
        settings.neighborCounts = try neighborCounts()
        let evaluation = RoutingEvaluation(settings: settings)
        let report: RoutingEvaluation.Report
        let method: String
        if let test {
            let held = try OutcomeFile.read(outcomes: URL(fileURLWithPath: test), models: URL(fileURLWithPath: models))
            for problem in held.skipped { printError("skipped: \(problem)") }
            try refuseOverlap(read.matrix.overlap(with: held.matrix), test: test)
            report = try evaluation.repeated(seeds) { try $0.trainTest(train: read.matrix, test: held.matrix) }
            method = "selected and profiled on the \(read.matrix.rows.count) rows of \(outcomes), judged on \(test)"
        } else {
            let folds = folds ?? 5
            guard read.matrix.rows.count >= folds else {
                throw ConfigurationError([
                    Diagnostic(file: outcomes, line: 1, column: 1, message: "\(read.matrix.rows.count) usable rows cannot fill \(folds) folds")
                ])
            }
            report = try evaluation.repeated(seeds) { try $0.crossValidate(read.matrix, folds: folds) }
            method = "\(folds)-fold cross-validation on \(outcomes)"
        }
        if let plot { try FrontierChart(report: report).svg.write(toFile: plot, atomically: true, encoding: .utf8) }
        if json { return try printJSON(report) }
        print(
            "routing evaluation: \(report.instances) questions, \(method); \(read.matrix.models.count) models; skills: \(settings.skills.count) registry + terms in ≥ \(minTermCount) training questions"
        )
        print("cost per question = prices × (question tokens + \(outputTokens) output tokens); a team of k costs k calls\n")
        print(RoutingReportText(report: report).text)
        if let plot { print("chart: \(plot)") }
    }

    /// A test file that repeats questions of the outcomes file would judge questions the selection saw.
    private func refuseOverlap(_ shared: [String], test: String) throws {
        guard !shared.isEmpty else { return }
        let named = shared.prefix(5).joined(separator: ", ") + (shared.count > 5 ? ", …" : "")
        throw ConfigurationError([
            Diagnostic(
                file: test,
                line: 1,
                column: 1,
                message:
                    "\(shared.count) row(s) repeat a row of \(outcomes) (same id or same question text): \(named); a test file must hold only unseen questions"
            )
        ])
    }
}
