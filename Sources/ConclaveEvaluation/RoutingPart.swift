import ConclaveCore
import ConclaveEngine

/// One training part of an outcome matrix, prepared once for every fit inside it: the skills of its rows
/// (the registry vocabulary plus terms mined from the part's training questions only, so nothing is
/// learned from the rows it is judged on) and each model's expected cost on each row. The inner
/// cross-validation of the selection fits on subsets of the training rows and reuses the same skills.
struct RoutingPart {
    /// A team's result on one row.
    struct Outcome {
        /// Top-1: the first seat's score; coverage: the best seat's.
        var accuracy: Double
        /// The sum of the seats' costs.
        var cost: Double
    }

    let matrix: OutcomeMatrix
    let settings: RoutingEvaluation.Settings
    /// Expected cost of each model's call, per row of `matrix`.
    let costs: [[Double]]
    /// Matched skills per row of `matrix`; empty for rows outside the part.
    let skills: [[String]]
    /// The terms of every row's question (what the learned router weighs), and how many distinct terms.
    let terms: [[TermCount]]
    let termCount: Int

    init(matrix: OutcomeMatrix, costs: [[Double]], train: [Int], test: [Int], settings: RoutingEvaluation.Settings) {
        self.matrix = matrix
        self.costs = costs
        self.settings = settings
        let mined = TermMiner(minimumCount: settings.minimumTermCount).skills(
            from: train.map { matrix.rows[$0].question },
            excluding: settings.skills
        )
        let matcher = LexicalSkillMatcher(skills: settings.skills + mined)
        let rows = train + test
        let matched = rows.concurrentMap { matcher.match(matrix.rows[$0].question).map(\.skill) }
        var skills = [[String]](repeating: [], count: matrix.rows.count)
        for (row, found) in zip(rows, matched) { skills[row] = found }
        self.skills = skills
        if settings.strategies?.contains(.learned) ?? true {
            var counter = TermCounter()
            terms = matrix.rows.map { counter.counts(of: $0.question) }
            termCount = counter.termCount
        } else {
            terms = []
            termCount = 0
        }
    }

    /// Each model's expected cost on each row: its prices applied to the question's estimated tokens and
    /// `outputTokens` output tokens.
    static func costs(of matrix: OutcomeMatrix, outputTokens: Int) -> [[Double]] {
        matrix.rows.map { row in
            let tokens = TokenEstimate.tokens(in: row.question)
            return matrix.models.map { $0.price.cost(inputTokens: tokens, outputTokens: outputTokens) }
        }
    }

    /// What `team` scores and costs on `row`; `coverage` scores the best seat instead of the first.
    func outcome(of team: [Int], row: Int, coverage: Bool) -> Outcome {
        let scores = matrix.rows[row].scores
        let accuracy = coverage ? team.map { scores[$0] }.max() : team.first.map { scores[$0] }
        return Outcome(accuracy: accuracy ?? 0, cost: team.map { costs[row][$0] }.reduce(0, +))
    }

    /// Profiles from `train` (rows of this part's training rows).
    func fit(train: [Int]) -> RoutingFit { RoutingFit(part: self, train: train) }
}
