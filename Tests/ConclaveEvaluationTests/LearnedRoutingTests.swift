import ConclaveCore
import ConclaveEvaluation
import Testing

/// The `learned` strategy in the evaluation: it sees the question text, so it recovers a rule that the
/// skill profiles cannot express, and it is selected on training data like every other candidate.
@Suite struct LearnedRoutingTests {
    let models = [
        OutcomeMatrix.Model(name: "cheap", price: Price(inputPerMillion: 1, outputPerMillion: 1)),
        OutcomeMatrix.Model(name: "dear", price: Price(inputPerMillion: 10, outputPerMillion: 10)),
    ]

    /// Chemistry questions are answered by cheap only, history questions by dear only; no skill of the
    /// (empty) vocabulary matches either, so profiles see one undivided pool.
    func matrix() -> OutcomeMatrix {
        let topics = ["chemistry reaction acid molecule", "history empire war treaty"]
        let rows = (0..<90).map { index in
            OutcomeMatrix.Row(
                id: "q\(index)",
                question: "question \(index) on \(topics[index % 2]) variant \(index % 9)",
                scores: index % 2 == 0 ? [1, 0] : [0, 1]
            )
        }
        return OutcomeMatrix(models: models, rows: rows)
    }

    func settings(_ strategies: Set<RoutingCandidate.Strategy>) -> RoutingEvaluation.Settings {
        var settings = RoutingEvaluation.Settings(skills: [])
        settings.minimumTermCount = 1_000
        settings.outputTokens = 0
        settings.replaceRareBelow = 0
        settings.lambdaFactors = [0]
        settings.neighborCounts = [5, 15]
        settings.budgetShare = 100
        settings.strategies = strategies
        settings.bootstrapResamples = 200
        return settings
    }

    @Test func theLearnedRouterRecoversAPlantedRuleThatProfilesCannotSee() throws {
        let learned = try RoutingEvaluation(settings: settings([.learned])).crossValidate(matrix(), folds: 3)
        #expect(learned.selected.accuracy > 0.95, "\(learned.selected.accuracy)")
        #expect(learned.selected.name.hasPrefix("learned n="))
        let profiles = try RoutingEvaluation(settings: settings([.topK, .costAware])).crossValidate(matrix(), folds: 3)
        #expect(profiles.selected.accuracy < 0.6, "profiles see no skill, so they pick one model: \(profiles.selected.accuracy)")
    }

    @Test func theSelectionRuleNamesOnlyTheStrategiesItChoseAmong() {
        let rule = RoutingEvaluation(settings: settings([.learned])).selectionRule
        #expect(rule.contains("learned at each neighbour count and λ factor"))
        #expect(!rule.contains("symbolic"))
    }
}
