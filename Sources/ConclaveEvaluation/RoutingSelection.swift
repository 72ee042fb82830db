import ConclaveCore

/// Chooses the routing configuration from training rows alone. The rule: an inner k-fold
/// cross-validation inside the training rows judges every top-1 candidate (`RoutingCandidate.all`) with
/// profiles from the other inner folds; the most accurate candidate whose pooled inner cost is at most
/// `budgetShare` × that of the inner best single model (itself chosen on each inner training part) wins,
/// ties going to the cheaper, then to the earlier candidate; when none fits, the cheapest wins.
struct RoutingSelection {
    /// One candidate's pooled inner cross-validation result.
    struct Score {
        var candidate: RoutingCandidate
        var accuracy: Double
        var cost: Double
        /// `cost` over the inner best single model's.
        var relativeCost: Double
    }

    var innerFolds: Int
    var budgetShare: Double
    var seed: UInt64

    /// The chosen candidate and every candidate's inner score, judged on `train` (rows of `part`'s training rows).
    func select(in part: RoutingPart, train: [Int]) -> (chosen: RoutingCandidate, scores: [Score]) {
        var accuracy: [Double] = []
        var cost: [Double] = []
        var candidates: [RoutingCandidate] = []
        var bestCost = 0.0
        for test in OutcomeMatrix.split(train, into: min(innerFolds, train.count), seed: seed) where !test.isEmpty {
            let held = Set(test)
            let fit = part.fit(train: train.filter { !held.contains($0) })
            bestCost += test.map { part.costs[$0][fit.bestSingle] }.reduce(0, +)
            let judged = fit.teams(k: 1, rows: test)
            if candidates.isEmpty {
                candidates = judged.map(\.candidate)
                accuracy = Array(repeating: 0, count: judged.count)
                cost = accuracy
            }
            for (index, entry) in judged.enumerated() {
                for (team, row) in zip(entry.teams, test) {
                    let outcome = part.outcome(of: team, row: row, coverage: false)
                    accuracy[index] += outcome.accuracy
                    cost[index] += outcome.cost
                }
            }
        }
        let count = Double(max(train.count, 1))
        let scores = candidates.indices.map { index in
            Score(
                candidate: candidates[index],
                accuracy: accuracy[index] / count,
                cost: cost[index] / count,
                relativeCost: bestCost > 0 ? cost[index] / bestCost : 0
            )
        }
        // No scores only when `train` is empty: then the first candidate (symbolic) stands.
        let first = RoutingCandidate.all(part.settings).first ?? RoutingCandidate(strategy: .symbolic, name: "symbolic")
        return (Self.choose(scores, budgetShare: budgetShare)?.candidate ?? first, scores)
    }

    /// The rule applied to inner scores; nil only when there are none.
    static func choose(_ scores: [Score], budgetShare: Double) -> Score? {
        let affordable = scores.filter { $0.relativeCost <= budgetShare }
        guard !affordable.isEmpty else { return scores.min { $0.cost < $1.cost } }
        return affordable.min { ($1.accuracy, -$1.cost) < ($0.accuracy, -$0.cost) }
    }
}
