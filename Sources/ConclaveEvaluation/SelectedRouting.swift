import ConclaveCore

/// The headline of a routing evaluation: the configuration chosen on training data only (`RoutingSelection`),
/// judged once on the held-out questions and pooled over the parts, with percentile-bootstrap intervals
/// over questions for its accuracy and for its paired difference from the best single model (chosen on
/// each training part too). With folds, each part may choose differently: `picks` says what each chose.
public struct SelectedRouting: Sendable, Codable {
    /// What one part chose, and the inner cross-validation figures it chose on.
    public struct Pick: Sendable, Hashable, Codable {
        public var part: Int
        public var name: String
        public var strategy: RoutingCandidate.Strategy
        public var lambdaFactor: Double?
        /// The λ it ran with on the held-out questions (factor / the part's best single model's mean cost).
        public var lambda: Double?
        public var innerAccuracy: Double
        public var innerRelativeCost: Double
        /// The most accurate model of the part's training rows, the baseline it is compared with.
        public var bestSingle: String
    }

    /// What the intervals allow one to say.
    public enum Verdict: String, Sendable, Codable {
        /// The difference interval lies above 0.
        case beatsBestSingle = "beats-best-single"
        /// The difference interval holds 0 and the cost is within the budget share.
        case matchesWithinBudget = "matches-within-noise-within-budget"
        /// The difference interval holds 0 but the cost is over the budget share.
        case matchesOverBudget = "matches-within-noise-over-budget"
        /// The difference interval lies below 0.
        case belowBestSingle = "below-best-single"
    }

    /// The configuration when every part chose the same, else a count of the choices.
    public var name: String
    /// The strategy every part chose, or `mixed`.
    public var strategy: String
    /// When every part chose the same `cost-aware` candidate: its factor and the mean λ it ran with.
    public var lambdaFactor: Double?
    public var lambda: Double?
    public var questions: Int
    public var accuracy: Double
    public var accuracyInterval: ConfidenceInterval
    /// Mean cost per question.
    public var cost: Double
    /// `cost` over the best single model's on the same questions.
    public var relativeCost: Double
    public var bestSingleAccuracy: Double
    public var differenceFromBestSingle: Double
    public var differenceInterval: ConfidenceInterval
    /// Whether the difference interval lies above 0.
    public var beatsBestSingle: Bool
    public var verdict: Verdict
    public var picks: [Pick]

    /// Pools the selected and best single outcomes (one per held-out question, same order); nil when there are none.
    init?(picks: [Pick], selected: [RoutingPart.Outcome], bestSingle: [RoutingPart.Outcome], bootstrap: PercentileBootstrap, budgetShare: Double) {
        let scores = selected.map(\.accuracy)
        let differences = zip(selected, bestSingle).map { $0.accuracy - $1.accuracy }
        guard !scores.isEmpty, let accuracyInterval = bootstrap.interval(ofMeanOf: scores),
            let differenceInterval = bootstrap.interval(ofMeanOf: differences)
        else { return nil }
        let count = Double(scores.count)
        (name, strategy, lambdaFactor, lambda) = Self.summary(of: picks)
        self.picks = picks
        questions = scores.count
        accuracy = scores.reduce(0, +) / count
        self.accuracyInterval = accuracyInterval
        cost = selected.map(\.cost).reduce(0, +) / count
        let bestCost = bestSingle.map(\.cost).reduce(0, +) / count
        relativeCost = bestCost > 0 ? cost / bestCost : 0
        bestSingleAccuracy = bestSingle.map(\.accuracy).reduce(0, +) / count
        differenceFromBestSingle = differences.reduce(0, +) / count
        self.differenceInterval = differenceInterval
        beatsBestSingle = differenceInterval.lower > 0
        verdict =
            beatsBestSingle
            ? .beatsBestSingle
            : differenceInterval.upper < 0
                ? .belowBestSingle
                : relativeCost <= budgetShare ? .matchesWithinBudget : .matchesOverBudget
    }

    /// The shared choice, or `per-part choice: A (3 of 5), B (2 of 5)` by count.
    private static func summary(of picks: [Pick]) -> (String, String, Double?, Double?) {
        let strategies = Set(picks.map(\.strategy))
        let strategy = strategies.count == 1 ? strategies.first?.rawValue ?? "" : "mixed"
        let names = picks.map(\.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard names.count > 1 else {
            let lambdas = picks.compactMap(\.lambda)
            return (names.first ?? "", strategy, picks.first?.lambdaFactor, lambdas.isEmpty ? nil : lambdas.reduce(0, +) / Double(lambdas.count))
        }
        let counted = names.map { name in (name, picks.filter { $0.name == name }.count) }
            .enumerated().sorted { ($1.element.1, $0.offset) < ($0.element.1, $1.offset) }.map(\.element)
        return ("per-part choice: " + counted.map { "\($0.0) (\($0.1) of \(picks.count))" }.joined(separator: ", "), strategy, nil, nil)
    }
}
