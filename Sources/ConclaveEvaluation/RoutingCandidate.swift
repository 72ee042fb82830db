import ConclaveCore

/// One routing configuration the evaluation can select: a recruitment strategy and, for `cost-aware`, its
/// λ factor (λ = factor / the best single model's mean cost per question on the training rows). Judged at
/// k = 1 for the selection (top-1 accuracy), and at k = 3 for the diagnostic coverage rows.
public struct RoutingCandidate: Sendable, Hashable, Codable {
    /// How the team is drawn.
    public enum Strategy: String, Sendable, Hashable, Codable, CaseIterable {
        case symbolic
        case topK = "top-k"
        /// `symbolic`, then `RareExpertReplacement` over the judged batch.
        case symbolicRareReplaced = "symbolic-rare-replaced"
        case costAware = "cost-aware"
        /// The learned router (`NeighborRouter`): predicted success − λ × cost, per question.
        case learned
    }

    public var strategy: Strategy
    /// The λ factor of a `cost-aware` or `learned` candidate; nil for the others.
    public var lambdaFactor: Double?
    /// How many nearest training questions a `learned` candidate averages; nil for the others.
    public var neighbors: Int?
    /// How the table and the headline name it, e.g. `cost-aware λ×0.3`.
    public var name: String

    public init(strategy: Strategy, lambdaFactor: Double? = nil, neighbors: Int? = nil, name: String) {
        self.strategy = strategy
        self.lambdaFactor = lambdaFactor
        self.neighbors = neighbors
        self.name = name
    }

    /// The candidates the settings ask for (`Settings.strategies`, every strategy when nil), in the order
    /// ties are broken.
    public static func all(_ settings: RoutingEvaluation.Settings) -> [RoutingCandidate] {
        let every =
            all(lambdaFactors: settings.lambdaFactors, replaceRareBelow: settings.replaceRareBelow)
            + settings.neighborCounts.flatMap { count in
                settings.lambdaFactors.map {
                    RoutingCandidate(strategy: .learned, lambdaFactor: $0, neighbors: count, name: "learned n=\(count) λ×\($0)")
                }
            }
        return settings.strategies.map { wanted in every.filter { wanted.contains($0.strategy) } } ?? every
    }

    /// The profile-based candidates: symbolic, top-k, symbolic with rare experts replaced (when
    /// `replaceRareBelow` > 0), then cost-aware at each λ factor.
    public static func all(lambdaFactors: [Double], replaceRareBelow: Double) -> [RoutingCandidate] {
        var candidates = [
            RoutingCandidate(strategy: .symbolic, lambdaFactor: nil, name: "symbolic"),
            RoutingCandidate(strategy: .topK, lambdaFactor: nil, name: "top-k"),
        ]
        if replaceRareBelow > 0 {
            let percent = Int((replaceRareBelow * 100).rounded())
            candidates.append(RoutingCandidate(strategy: .symbolicRareReplaced, lambdaFactor: nil, name: "symbolic, rare < \(percent)% replaced"))
        }
        return candidates + lambdaFactors.map { RoutingCandidate(strategy: .costAware, lambdaFactor: $0, name: "cost-aware λ×\($0)") }
    }
}
