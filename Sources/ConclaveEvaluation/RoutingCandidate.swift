import ConclaveCore

/// One routing configuration the evaluation can select: a recruitment strategy and, for `cost-aware`, its
/// λ factor (λ = factor / the best single model's mean cost per question on the training rows). Judged at
/// k = 1 for the selection (top-1 accuracy), and at k = 3 for the diagnostic coverage rows.
public struct RoutingCandidate: Sendable, Hashable, Codable {
    /// How the team is drawn.
    public enum Strategy: String, Sendable, Hashable, Codable {
        case symbolic
        case topK = "top-k"
        /// `symbolic`, then `RareExpertReplacement` over the judged batch.
        case symbolicRareReplaced = "symbolic-rare-replaced"
        case costAware = "cost-aware"
    }

    public var strategy: Strategy
    /// The λ factor of a `cost-aware` candidate; nil for the others.
    public var lambdaFactor: Double?
    /// How the table and the headline name it, e.g. `cost-aware λ×0.3`.
    public var name: String

    /// Every candidate, in the order ties are broken: symbolic, top-k, symbolic with rare experts replaced
    /// (when `replaceRareBelow` > 0), then cost-aware at each λ factor.
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
