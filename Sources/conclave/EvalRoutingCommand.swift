import ArgumentParser
import ConclaveConfig
import ConclaveCore
import Foundation

/// `conclave eval-routing`: how well recruitment strategies route questions to models, judged offline on
/// recorded outcomes (no model is called).
struct EvalRoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-routing",
        abstract: "Judge recruitment strategies on recorded outcomes: accuracy and cost of each model, random, best single, oracle and each strategy.",
        discussion: """
            Skills come from the registry vocabulary (--skills) plus terms mined from the training questions; \
            profiles are built from the training part. The cost of a call is its model's prices applied to the \
            question's estimated tokens (4 bytes per token) plus --output-tokens assumed output tokens.
            """)

    @Option(help: "Outcomes: JSONL rows {id, question, scores: {model: 0…1}}.") var outcomes: String
    @Option(help: "Model prices: {model: {input_price_per_mtok, output_price_per_mtok}}.") var models: String
    @Option(help: "Cross-validate on --outcomes with this many folds (the default when --test is not given).") var folds: Int?
    @Option(help: "Profile on all of --outcomes and judge on this file (same shape).") var test: String?
    @Option(help: "The registry's Skills folder.") var skills = "Skills"
    @Option(help: "Assumed output tokens per call, for costs.") var outputTokens = 64
    @Option(help: "A term must occur in at least this many training questions to become a skill.") var minTermCount = 20
    @Option(help: "Seed for folds and symbolic sampling.") var seed: UInt64 = 42
    @Option(help: "Cost share of the best single model a strategy may use to meet the target.") var budget = 0.6
    @Option(help: "Write the cost–accuracy chart as SVG to this file.") var plot: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if folds != nil, test != nil { throw ValidationError("give --folds or --test, not both") }
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
    }

    func run() throws {
        let read = try OutcomeFile.read(outcomes: URL(fileURLWithPath: outcomes), models: URL(fileURLWithPath: models))
        for problem in read.skipped { printError("skipped: \(problem)") }
        var settings = RoutingEvaluation.Settings(skills: FileManager.default.fileExists(atPath: skills) ? try ConfigLoader.loadSkills(directory: skills) : [])
        settings.outputTokens = outputTokens
        settings.minimumTermCount = minTermCount
        settings.seed = seed
        settings.budgetShare = budget
        let evaluation = RoutingEvaluation(settings: settings)
        let report: RoutingEvaluation.Report
        let method: String
        if let test {
            let held = try OutcomeFile.read(outcomes: URL(fileURLWithPath: test), models: URL(fileURLWithPath: models))
            for problem in held.skipped { printError("skipped: \(problem)") }
            report = evaluation.trainTest(train: read.matrix, test: held.matrix)
            method = "profiled on \(read.matrix.rows.count) rows of \(outcomes), judged on \(test)"
        } else {
            report = evaluation.crossValidate(read.matrix, folds: folds ?? 5)
            method = "\(folds ?? 5)-fold cross-validation on \(outcomes)"
        }
        if let plot { try FrontierChart(report: report).svg.write(toFile: plot, atomically: true, encoding: .utf8) }
        if json { return try printJSON(report) }
        print("routing evaluation: \(report.instances) questions, \(method); \(read.matrix.models.count) models; skills: \(settings.skills.count) registry + terms in ≥ \(minTermCount) training questions")
        print("cost per question = prices × (question tokens + \(outputTokens) output tokens); a team of k costs k calls; best single = most accurate on the training part (\(report.bestSingle))\n")
        print(Table.render([["", "k", "accuracy", "cost / question", "× best single"]] + report.lines.map { line in
            let name = line.lambda.map { line.name + String(format: " (λ = %.0f)", $0) } ?? line.name
            return [name, line.k == 1 ? "1 (top-1)" : "\(line.k) (coverage)", String(format: "%.4f", line.accuracy),
                    String(format: "%.3e", line.cost), String(format: "%.2f", line.relativeCost)]
        }))
        let best = report.lines.first { $0.name == "best single" }!
        if let chosen = report.bestWithinBudget {
            print(String(format: "\nbest top-1 strategy within %.0f%% of the best single model's cost: %@ — accuracy %.4f at %.2f × its cost (best single: %.4f): target %@",
                         report.budgetShare * 100, chosen.name, chosen.accuracy, chosen.relativeCost, best.accuracy, report.targetMet ? "met" : "not met"))
            if let plot { print("chart: \(plot)") }
        } else {
            print(String(format: "\nno top-1 strategy stays within %.0f%% of the best single model's cost: target not met", report.budgetShare * 100))
        }
    }
}
