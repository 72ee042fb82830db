/// Judges recruitment strategies on an `OutcomeMatrix`, as a routing paper would: every model alone,
/// random choice, the best single model (chosen on the training part), the oracle, and each strategy at
/// k = 1 (top-1 accuracy: the first seat's score) and k = 3 (coverage: the best score in the team), plus
/// the cost–accuracy frontier of `cost-aware` over a sweep of λ. Skills come from the registry vocabulary
/// plus terms mined from the training questions; profiles come from the training rows; no model is called.
///
/// The cost of a call is its model's prices applied to the question's estimated tokens
/// (`TokenEstimate`) and `outputTokens` assumed output tokens; a team costs the sum of its seats.
///
/// ```swift
/// let report = RoutingEvaluation(settings: .init(skills: registry.skills)).crossValidate(matrix, folds: 5)
/// report.lines.first { $0.name == "oracle" }?.accuracy
/// ```
public struct RoutingEvaluation: Sendable {
    /// What the evaluation assumes and sweeps.
    public struct Settings: Sendable {
        /// The registry vocabulary (mined terms are added per training part).
        public var skills: [Skill]
        public var minimumTermCount: Int = 20
        public var outputTokens: Int = 64
        public var seed: UInt64 = 42
        public var temperature: Double = 0.5
        public var coverageK: Int = 3
        public var replaceRareBelow: Double = 0.05
        /// λ values as multiples of 1 / (the best single model's mean cost per question on the training part).
        public var lambdaFactors: [Double] = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3]
        /// The cost share of the best single model the target allows.
        public var budgetShare: Double = 0.6

        public init(skills: [Skill]) { self.skills = skills }
    }

    /// One line of the table: what was evaluated, at which k (and λ), its accuracy and mean cost.
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

    /// The whole table and the verdict on the target.
    public struct Report: Sendable, Codable {
        public var instances: Int
        public var parts: Int
        public var bestSingle: String
        public var lines: [Line]
        /// The most accurate top-1 strategy line within `budgetShare` of the best single model's cost.
        public var bestWithinBudget: Line?
        public var budgetShare: Double
        /// Whether `bestWithinBudget` is at least as accurate as the best single model.
        public var targetMet: Bool
    }

    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// k-fold cross-validation: each fold is judged with profiles built from the others.
    public func crossValidate(_ matrix: OutcomeMatrix, folds: Int) -> Report {
        var tally = Tally()
        let parts = matrix.folds(folds, seed: settings.seed)
        for test in parts {
            let held = Set(test)
            evaluate(matrix, train: matrix.rows.indices.filter { !held.contains($0) }, test: test, into: &tally)
        }
        return tally.report(instances: matrix.rows.count, parts: folds, budgetShare: settings.budgetShare)
    }

    /// Profiles from every row of `train`, judged on every row of `test` (same models, same order).
    public func trainTest(train: OutcomeMatrix, test: OutcomeMatrix) -> Report {
        var tally = Tally()
        let joined = OutcomeMatrix(models: train.models, rows: train.rows + test.rows)
        evaluate(joined, train: Array(train.rows.indices), test: Array(train.rows.count..<joined.rows.count), into: &tally)
        return tally.report(instances: test.rows.count, parts: 1, budgetShare: settings.budgetShare)
    }

    private func evaluate(_ matrix: OutcomeMatrix, train: [Int], test: [Int], into tally: inout Tally) {
        let mined = TermMiner(minimumCount: settings.minimumTermCount).skills(from: train.map { matrix.rows[$0].question }, excluding: settings.skills)
        let matcher = LexicalSkillMatcher(skills: settings.skills + mined)
        let skillsOf = Dictionary(uniqueKeysWithValues: (train + test).map { ($0, matcher.match(matrix.rows[$0].question).map(\.skill)) })
        var builders = Array(repeating: ProfileBuilder(), count: matrix.models.count)
        for row in train {
            for model in matrix.models.indices { builders[model].add(skills: skillsOf[row]!, score: matrix.rows[row].scores[model]) }
        }
        let experts = matrix.models.indices.map { model in
            Expert(id: matrix.models[model].name, description: "replayed outcomes",
                   runtime: .openAI(baseURL: "replay:", model: matrix.models[model].name, apiKeyVariable: nil),
                   price: matrix.models[model].price, contextWindow: 1 << 20, maxConcurrency: 1, timeoutSeconds: 1,
                   sampling: Sampling(temperature: 0, maxTokens: settings.outputTokens), profile: builders[model].profile)
        }
        let costsOf = Dictionary(uniqueKeysWithValues: (train + test).map { row in
            (row, experts.map { $0.expectedCost(promptTokens: TokenEstimate.tokens(in: matrix.rows[row].question)) })
        })
        let trainAccuracy = matrix.models.indices.map { model in train.map { matrix.rows[$0].scores[model] }.reduce(0, +) / Double(max(train.count, 1)) }
        let best = trainAccuracy.indices.max { trainAccuracy[$0] < trainAccuracy[$1] }!
        let bestCost = train.map { costsOf[$0]![best] }.reduce(0, +) / Double(max(train.count, 1))
        tally.bestSingle[matrix.models[best].name, default: 0] += 1

        for row in test {
            let scores = matrix.rows[row].scores, costs = costsOf[row]!
            for model in matrix.models.indices {
                tally.add("single: \(matrix.models[model].name)", .single, k: 1, accuracy: scores[model], cost: costs[model])
            }
            tally.add("random", .baseline, k: 1, accuracy: scores.reduce(0, +) / Double(scores.count), cost: costs.reduce(0, +) / Double(costs.count))
            tally.add("best single", .baseline, k: 1, accuracy: scores[best], cost: costs[best], isBestSingle: true)
            let top = scores.max()!
            tally.add("oracle", .baseline, k: 1, accuracy: top, cost: scores.indices.filter { scores[$0] == top }.map { costs[$0] }.min()!)
        }
        let strategies: [(String, RecruitmentStrategy)] = [("symbolic", .symbolic), ("top-k", .topK)]
        for k in [1, settings.coverageK] {
            for (name, strategy) in strategies {
                let recruiter = Recruiter(experts: experts, k: k, strategy: strategy, temperature: settings.temperature)
                var recruitments = test.map { row in
                    var rng = SeededGenerator(seed: settings.seed, instanceID: matrix.rows[row].id)
                    return recruiter.recruit(skills: skillsOf[row]!, using: &rng)
                }
                tally.addTeams("\(name)", .strategy, k: k, recruitments, rows: test, matrix: matrix, costs: costsOf, experts: experts)
                let rareShare = settings.replaceRareBelow
                if strategy == .symbolic, rareShare > 0 {
                    RareExpertReplacement(minimumShare: rareShare).apply(to: &recruitments)
                    tally.addTeams("symbolic, rare < \(Int((rareShare * 100).rounded()))% replaced", .strategy, k: k, recruitments,
                                   rows: test, matrix: matrix, costs: costsOf, experts: experts)
                }
            }
            for factor in settings.lambdaFactors {
                let lambda = bestCost > 0 ? factor / bestCost : 0
                let recruiter = Recruiter(experts: experts, k: k, strategy: .costAware, lambda: lambda)
                var rng = SeededGenerator(seed: settings.seed)
                let teams = test.map { recruiter.team(columns: recruiter.columns(for: skillsOf[$0]!), costs: costsOf[$0]!, using: &rng) }
                tally.addTeams("cost-aware λ×\(factor)", .frontier, k: k, lambda: lambda, teams: teams, rows: test, matrix: matrix, costs: costsOf)
            }
        }
    }
}

/// Sums per line across the parts of an evaluation.
private struct Tally {
    struct Sum {
        var kind: RoutingEvaluation.Line.Kind
        var k: Int
        var accuracy = 0.0, cost = 0.0, lambda = 0.0, lambdaParts = 0, count = 0
    }
    var order: [String] = []
    var sums: [String: Sum] = [:]
    var bestSingle: [String: Int] = [:]
    var bestSingleKey = ""

    mutating func add(_ name: String, _ kind: RoutingEvaluation.Line.Kind, k: Int, accuracy: Double, cost: Double, isBestSingle: Bool = false) {
        let key = "\(name)#\(k)"
        if sums[key] == nil {
            order.append(key)
            sums[key] = Sum(kind: kind, k: k)
        }
        sums[key]!.accuracy += accuracy
        sums[key]!.cost += cost
        sums[key]!.count += 1
        if isBestSingle { bestSingleKey = key }
    }

    mutating func addTeams(_ name: String, _ kind: RoutingEvaluation.Line.Kind, k: Int, _ recruitments: [Recruitment], rows: [Int],
                           matrix: OutcomeMatrix, costs: [Int: [Double]], experts: [Expert]) {
        let index = Dictionary(uniqueKeysWithValues: experts.enumerated().map { ($1.id, $0) })
        addTeams(name, kind, k: k, teams: recruitments.map { $0.team.map { index[$0]! } }, rows: rows, matrix: matrix, costs: costs)
    }

    mutating func addTeams(_ name: String, _ kind: RoutingEvaluation.Line.Kind, k: Int, lambda: Double? = nil, teams: [[Int]], rows: [Int],
                           matrix: OutcomeMatrix, costs: [Int: [Double]]) {
        for (team, row) in zip(teams, rows) {
            let scores = matrix.rows[row].scores
            let accuracy = k == 1 ? scores[team[0]] : team.map { scores[$0] }.max()!
            add(name, kind, k: k, accuracy: accuracy, cost: team.map { costs[row]![$0] }.reduce(0, +))
        }
        if let lambda {
            sums["\(name)#\(k)"]!.lambda += lambda
            sums["\(name)#\(k)"]!.lambdaParts += 1
        }
    }

    func report(instances: Int, parts: Int, budgetShare: Double) -> RoutingEvaluation.Report {
        let reference = sums[bestSingleKey].map { $0.cost / Double($0.count) } ?? 0
        let lines = order.map { key -> RoutingEvaluation.Line in
            let sum = sums[key]!
            let cost = sum.cost / Double(sum.count)
            return RoutingEvaluation.Line(name: String(key[..<key.lastIndex(of: "#")!]), kind: sum.kind, k: sum.k,
                                          lambda: sum.lambdaParts > 0 ? sum.lambda / Double(sum.lambdaParts) : nil,
                                          accuracy: sum.accuracy / Double(sum.count), cost: cost,
                                          relativeCost: reference > 0 ? cost / reference : 0)
        }
        let best = lines.first { $0.name == "best single" }
        let candidate = lines.filter { ($0.kind == .strategy || $0.kind == .frontier) && $0.k == 1 && $0.relativeCost <= budgetShare }
            .max { $0.accuracy < $1.accuracy }
        let name = bestSingle.max { $0.value < $1.value }?.key ?? ""
        return RoutingEvaluation.Report(instances: instances, parts: parts, bestSingle: name, lines: lines,
                                        bestWithinBudget: candidate, budgetShare: budgetShare,
                                        targetMet: candidate.map { $0.accuracy >= (best?.accuracy ?? 1) } ?? false)
    }
}
