import ConclaveCore

/// Judges routing on an `OutcomeMatrix` without peeking at the judged questions. The headline,
/// `Report.selected`, is one configuration chosen on training data only (`RoutingSelection`: an inner
/// cross-validation inside each training part), then judged once on the held-out questions, with
/// bootstrap intervals for its accuracy and its difference from the best single model.
///
/// Beside it, `Report.lines` is the diagnostic table a routing paper would print: every model alone,
/// random choice, the best single model (chosen on the training part), the oracle, and each strategy at
/// k = 1 (top-1 accuracy) and k = 3 (coverage), with a `cost-aware` λ sweep. All of them are measured on
/// the judged questions, so picking the best line after seeing them would peek. Skills come from the
/// registry vocabulary plus terms mined from the training questions; profiles come from the training rows.
///
/// The cost of a call is its model's prices applied to the question's estimated tokens (`TokenEstimate`)
/// and `outputTokens` assumed output tokens; a team costs the sum of its seats.
///
/// ```swift
/// let report = try RoutingEvaluation(settings: .init(skills: registry.skills)).crossValidate(matrix, folds: 5)
/// report.selected.accuracy; report.selected.differenceInterval
/// ```
public struct RoutingEvaluation: Sendable {
    /// What the evaluation assumes, sweeps and draws.
    public struct Settings: Sendable {
        /// The registry vocabulary (mined terms are added per training part).
        public var skills: [Skill]
        public var minimumTermCount: Int = 20
        public var outputTokens: Int = 64
        /// Seeds the folds, the inner folds, the symbolic draws and the bootstrap.
        public var seed: UInt64 = 42
        public var temperature: Double = 0.5
        public var coverageK: Int = 3
        public var replaceRareBelow: Double = 0.05
        /// λ values as multiples of 1 / (the best single model's mean cost per question on the training part).
        public var lambdaFactors: [Double] = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3]
        /// How many nearest training questions the `learned` candidates average (one candidate per count and λ).
        public var neighborCounts: [Int] = [50, 100, 150, 200, 300]
        /// The strategies the selection chooses among; nil for every one.
        public var strategies: Set<RoutingCandidate.Strategy>?
        /// The cost share of the best single model the selection may spend.
        public var budgetShare: Double = 0.6
        /// Folds of the inner cross-validation that selects the configuration inside each training part.
        public var innerFolds: Int = 5
        public var bootstrapResamples: Int = 1000

        public init(skills: [Skill]) { self.skills = skills }
    }

    /// One line of the diagnostic table: what was evaluated, at which k (and λ), its accuracy and mean cost.
    public struct Line: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable { case single, baseline, strategy, frontier }
        public var name: String
        public var kind: Kind
        public var k: Int
        /// Mean λ over the parts (they differ because each part scales λ by its own best model's cost).
        public var lambda: Double?
        /// Top-1 accuracy for k = 1, coverage (any recruited expert right) for k > 1.
        public var accuracy: Double
        /// Mean cost per question, currency units.
        public var cost: Double
        /// `cost` over the best single model's.
        public var relativeCost: Double
    }

    /// The selected configuration and the diagnostic table.
    public struct Report: Sendable, Codable {
        public var instances: Int
        public var parts: Int
        public var innerFolds: Int
        public var seed: UInt64
        public var budgetShare: Double
        public var bootstrapResamples: Int
        /// The selection rule, in words.
        public var selectionRule: String
        public var selected: SelectedRouting
        /// The model most often best on the training parts.
        public var bestSingle: String
        /// Says that `lines` were all measured on the judged questions.
        public var diagnosticNote: String
        public var lines: [Line]
        /// Set by `repeated` when more than one seed ran.
        public var seeds: RoutingSeedSpread?
    }

    /// Why a matrix cannot be evaluated.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case noModels
        case noRows
        case tooFewRows(rows: Int, folds: Int)

        public var description: String {
            switch self {
            case .noModels: "the outcome matrix has no models"
            case .noRows: "the outcome matrix has no rows to judge"
            case let .tooFewRows(rows, folds): "\(rows) rows cannot fill \(folds) folds"
            }
        }
    }

    public static let diagnosticNote =
        "diagnostics: every line is measured on the judged questions, so choosing the best of them after seeing them peeks; the headline is `selected`"

    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// The selection rule of these settings, in words.
    public var selectionRule: String {
        let budget = Int((settings.budgetShare * 100).rounded())
        let kinds = [
            (RoutingCandidate.Strategy.symbolic, "symbolic"), (.topK, "top-k"), (.symbolicRareReplaced, "symbolic with rare experts replaced"),
            (.costAware, "cost-aware at each λ factor"), (.learned, "learned at each neighbour count and λ factor"),
        ]
        .filter { settings.strategies?.contains($0.0) ?? true }.map(\.1)
        return "chosen on training data only: inside each training part, a \(settings.innerFolds)-fold inner cross-validation judges every "
            + "top-1 candidate (\(kinds.joined(separator: ", "))); the most accurate "
            + "whose inner cost is at most \(budget)% of the inner best single model's wins (none fits: the cheapest); it is then judged once on the held-out questions"
    }

    /// k-fold cross-validation: in each fold, the configuration is selected and profiled on the other folds.
    public func crossValidate(_ matrix: OutcomeMatrix, folds: Int) throws -> Report {
        guard matrix.rows.count >= folds else { throw Failure.tooFewRows(rows: matrix.rows.count, folds: folds) }
        let parts = matrix.folds(folds, seed: settings.seed).map { test in
            let held = Set(test)
            return (train: matrix.rows.indices.filter { !held.contains($0) }, test: test)
        }
        return try evaluate(matrix, parts: parts)
    }

    /// The configuration is selected by cross-validation on `train` and profiled on all of it, then judged
    /// on every row of `test` (same models, same order).
    public func trainTest(train: OutcomeMatrix, test: OutcomeMatrix) throws -> Report {
        guard !train.rows.isEmpty else { throw Failure.noRows }
        let joined = OutcomeMatrix(models: train.models, rows: train.rows + test.rows)
        return try evaluate(joined, parts: [(train: Array(train.rows.indices), test: Array(train.rows.count..<joined.rows.count))])
    }

    /// Runs `evaluate` under seeds seed, seed + 1, …, seed + count − 1; returns the first seed's report,
    /// with the spread over the seeds when count > 1.
    public func repeated(_ count: Int, _ evaluate: (RoutingEvaluation) throws -> Report) throws -> Report {
        let reports = try (0..<UInt64(max(count, 1))).map { offset in
            var settings = settings
            settings.seed &+= offset
            return try evaluate(RoutingEvaluation(settings: settings))
        }
        guard var first = reports.first else { throw Failure.noRows }
        if reports.count > 1 { first.seeds = RoutingSeedSpread(reports) }
        return first
    }

    private func evaluate(_ matrix: OutcomeMatrix, parts: [(train: [Int], test: [Int])]) throws -> Report {
        guard !matrix.models.isEmpty else { throw Failure.noModels }
        let costs = RoutingPart.costs(of: matrix, outputTokens: settings.outputTokens)
        let selection = RoutingSelection(innerFolds: settings.innerFolds, budgetShare: settings.budgetShare, seed: settings.seed)
        var tally = RoutingTally()
        var picks: [SelectedRouting.Pick] = []
        var selected: [RoutingPart.Outcome] = []
        var bestSingle: [RoutingPart.Outcome] = []
        for (number, (train, test)) in parts.enumerated() {
            let part = RoutingPart(matrix: matrix, costs: costs, train: train, test: test, settings: settings)
            let (chosen, scores) = selection.select(in: part, train: train)
            let fit = part.fit(train: train)
            tally.addBaselines(fit, rows: test)
            bestSingle += test.map { part.outcome(of: [fit.bestSingle], row: $0, coverage: false) }
            for k in Set([1, settings.coverageK]).sorted() {
                for entry in fit.teams(k: k, rows: test) {
                    tally.addTeams(entry, k: k, rows: test, part: part)
                    guard k == 1, entry.candidate == chosen else { continue }
                    selected += zip(entry.teams, test).map { part.outcome(of: $0, row: $1, coverage: false) }
                    let inner = scores.first { $0.candidate == chosen }
                    picks.append(
                        .init(
                            part: number + 1,
                            name: chosen.name,
                            strategy: chosen.strategy,
                            lambdaFactor: chosen.lambdaFactor,
                            lambda: entry.lambda,
                            innerAccuracy: inner?.accuracy ?? 0,
                            innerRelativeCost: inner?.relativeCost ?? 0,
                            bestSingle: matrix.models[fit.bestSingle].name
                        )
                    )
                }
            }
        }
        let bootstrap = PercentileBootstrap(resamples: settings.bootstrapResamples, seed: settings.seed)
        guard
            let headline = SelectedRouting(
                picks: picks,
                selected: selected,
                bestSingle: bestSingle,
                bootstrap: bootstrap,
                budgetShare: settings.budgetShare
            )
        else { throw Failure.noRows }
        return Report(
            instances: selected.count,
            parts: parts.count,
            innerFolds: settings.innerFolds,
            seed: settings.seed,
            budgetShare: settings.budgetShare,
            bootstrapResamples: settings.bootstrapResamples,
            selectionRule: selectionRule,
            selected: headline,
            bestSingle: Self.mostFrequent(picks.map(\.bestSingle)),
            diagnosticNote: Self.diagnosticNote,
            lines: tally.lines,
            seeds: nil
        )
    }

    /// The most frequent name, ties going to the first seen.
    private static func mostFrequent(_ names: [String]) -> String {
        let counts = names.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        return names.first { counts[$0] == counts.values.max() } ?? ""
    }
}
