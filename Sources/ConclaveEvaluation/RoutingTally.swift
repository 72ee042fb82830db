import ConclaveCore

/// Pools the diagnostic table of a routing evaluation over its parts: for every line (name and k), the
/// mean accuracy and cost over the judged questions, and the mean λ over the parts for `cost-aware`.
struct RoutingTally {
    static let bestSingleName = "best single"

    private struct Key: Hashable {
        var name: String
        var k: Int
    }

    private struct Sum {
        var kind: RoutingEvaluation.Line.Kind
        var accuracy = 0.0, cost = 0.0, count = 0
        var lambda = 0.0, lambdaParts = 0
    }

    private var order: [Key] = []
    private var sums: [Key: Sum] = [:]

    /// Each model alone, random choice, the best single model of `fit` and the oracle (the cheapest right
    /// model), on `rows`.
    mutating func addBaselines(_ fit: RoutingFit, rows: [Int]) {
        let part = fit.part
        for row in rows {
            let scores = part.matrix.rows[row].scores
            let costs = part.costs[row]
            for model in part.matrix.models.indices {
                add("single: \(part.matrix.models[model].name)", .single, k: 1, part.outcome(of: [model], row: row, coverage: false))
            }
            add("random", .baseline, k: 1, .init(accuracy: mean(scores), cost: mean(costs)))
            add(Self.bestSingleName, .baseline, k: 1, part.outcome(of: [fit.bestSingle], row: row, coverage: false))
            let top = scores.max() ?? 0
            let cheapestRight = scores.indices.filter { scores[$0] == top }.map { costs[$0] }.min() ?? 0
            add("oracle", .baseline, k: 1, .init(accuracy: top, cost: cheapestRight))
        }
    }

    /// A candidate's teams on `rows` (top-1 accuracy at k = 1, coverage above).
    mutating func addTeams(_ entry: RoutingFit.CandidateTeams, k: Int, rows: [Int], part: RoutingPart) {
        let kind: RoutingEvaluation.Line.Kind = [.costAware, .learned].contains(entry.candidate.strategy) ? .frontier : .strategy
        for (team, row) in zip(entry.teams, rows) {
            add(entry.candidate.name, kind, k: k, part.outcome(of: team, row: row, coverage: k > 1))
        }
        if let lambda = entry.lambda {
            let key = Key(name: entry.candidate.name, k: k)
            sums[key]?.lambda += lambda
            sums[key]?.lambdaParts += 1
        }
    }

    /// The table, costs relative to the best single model's line.
    var lines: [RoutingEvaluation.Line] {
        let reference = sums[Key(name: Self.bestSingleName, k: 1)].map { $0.cost / Double(max($0.count, 1)) } ?? 0
        return order.compactMap { key in
            guard let sum = sums[key] else { return nil }
            let count = Double(max(sum.count, 1))
            return RoutingEvaluation.Line(
                name: key.name,
                kind: sum.kind,
                k: key.k,
                lambda: sum.lambdaParts > 0 ? sum.lambda / Double(sum.lambdaParts) : nil,
                accuracy: sum.accuracy / count,
                cost: sum.cost / count,
                relativeCost: reference > 0 ? sum.cost / count / reference : 0
            )
        }
    }

    private mutating func add(_ name: String, _ kind: RoutingEvaluation.Line.Kind, k: Int, _ outcome: RoutingPart.Outcome) {
        let key = Key(name: name, k: k)
        if sums[key] == nil { order.append(key) }
        var sum = sums[key] ?? Sum(kind: kind)
        sum.accuracy += outcome.accuracy
        sum.cost += outcome.cost
        sum.count += 1
        sums[key] = sum
    }

    private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
}
