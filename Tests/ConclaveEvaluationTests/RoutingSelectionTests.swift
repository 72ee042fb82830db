import Testing

@testable import ConclaveCore
@testable import ConclaveEvaluation

/// The headline configuration is chosen on training data only: planted matrices where the held-out
/// questions favour another configuration, the selection rule, per-part picks, seeds and refusals.
@Suite struct RoutingSelectionTests {
    let algebra = [Skill(name: "algebra", domain: "mathematics")]
    /// Prices 1, 2 and 10 per million tokens; every question below is 3 tokens.
    let models = [
        OutcomeMatrix.Model(name: "cheap", price: Price(inputPerMillion: 1, outputPerMillion: 1)),
        OutcomeMatrix.Model(name: "mid", price: Price(inputPerMillion: 2, outputPerMillion: 2)),
        OutcomeMatrix.Model(name: "dear", price: Price(inputPerMillion: 10, outputPerMillion: 10)),
    ]

    func rows(_ count: Int, prefix: String, question: String, scores: [Double]) -> [OutcomeMatrix.Row] {
        (0..<count).map { OutcomeMatrix.Row(id: "\(prefix)\($0)", question: question, scores: scores) }
    }

    func settings() -> RoutingEvaluation.Settings {
        var settings = RoutingEvaluation.Settings(skills: algebra)
        settings.minimumTermCount = 1_000  // registry vocabulary only
        settings.outputTokens = 0
        settings.replaceRareBelow = 0
        settings.lambdaFactors = [0, 1, 10]
        return settings
    }

    /// On the training rows dear is always right, mid 80% and cheap 50%: within 60% of dear's cost, λ×1
    /// (mid, 0.2 × the cost) is the most accurate; λ×0, top-k and symbolic mostly pay for dear, λ×10 takes
    /// cheap. On the test rows only cheap is right, so λ×10 would be the best line after peeking.
    @Test func theHeadlineIsTheTrainChosenLambdaNotTheTestOptimalOne() throws {
        let train = OutcomeMatrix(models: models, rows: rows(40, prefix: "train", question: "algebra item", scores: [0.5, 0.8, 1]))
        let test = OutcomeMatrix(models: models, rows: rows(20, prefix: "test", question: "an algebra problem", scores: [1, 0, 0]))
        let report = try RoutingEvaluation(settings: settings()).trainTest(train: train, test: test)
        let selected = report.selected
        #expect(selected.name == "cost-aware λ×1.0")
        #expect(selected.strategy == "cost-aware" && selected.lambdaFactor == 1)
        #expect(selected.accuracy == 0 && selected.questions == 20)
        #expect(abs(selected.relativeCost - 0.2) < 1e-9)
        #expect(selected.picks.count == 1)
        #expect(abs((selected.picks.first?.innerAccuracy ?? 0) - 0.8) < 1e-9)
        let testOptimal = try #require(
            report.lines.filter { $0.k == 1 && ($0.kind == .strategy || $0.kind == .frontier) }.max { $0.accuracy < $1.accuracy }
        )
        #expect(testOptimal.name == "cost-aware λ×10.0" && testOptimal.accuracy == 1)
        #expect(selected.bestSingleAccuracy == 0 && selected.differenceInterval == ConfidenceInterval(lower: 0, upper: 0))
        #expect(selected.verdict == .matchesWithinBudget && !selected.beatsBestSingle)
    }

    /// cheap is right on algebra, dear on biology: every part picks symbolic (first among the equally
    /// accurate, equally costly candidates) and beats the best single model by 0.5.
    @Test func crossValidationReportsEachPartsPickAndPooledIntervals() throws {
        let pair = [models[0], models[2]]
        let matrix = OutcomeMatrix(
            models: pair,
            rows: (0..<60).map { index in
                index.isMultiple(of: 2)
                    ? .init(id: "a\(index)", question: "algebra item", scores: [1, 0])
                    : .init(id: "b\(index)", question: "biology item", scores: [0, 1])
            }
        )
        var settings = settings()
        settings.skills.append(Skill(name: "biology", domain: "science"))
        settings.budgetShare = 10
        let report = try RoutingEvaluation(settings: settings).crossValidate(matrix, folds: 3)
        #expect(report.selected.picks.map(\.part) == [1, 2, 3])
        #expect(report.selected.picks.allSatisfy { $0.name == "symbolic" })
        #expect(report.selected.name == "symbolic" && report.selected.lambda == nil)
        #expect(report.selected.accuracy == 1 && report.selected.accuracyInterval == ConfidenceInterval(lower: 1, upper: 1))
        #expect(abs(report.selected.differenceFromBestSingle - 0.5) < 0.15)
        #expect(report.selected.beatsBestSingle && report.selected.verdict == .beatsBestSingle)
        #expect(report.instances == 60 && report.parts == 3)
    }

    @Test func theRuleTakesTheMostAccurateWithinBudgetElseTheCheapest() {
        func score(_ name: String, _ accuracy: Double, _ relativeCost: Double) -> RoutingSelection.Score {
            .init(candidate: RoutingCandidate(strategy: .topK, name: name), accuracy: accuracy, cost: relativeCost, relativeCost: relativeCost)
        }
        let scores = [score("dear", 0.9, 1), score("fair", 0.8, 0.5), score("twin", 0.8, 0.4), score("cheap", 0.6, 0.1)]
        #expect(RoutingSelection.choose(scores, budgetShare: 0.6)?.candidate.name == "twin")  // tie: the cheaper
        #expect(RoutingSelection.choose(scores, budgetShare: 1)?.candidate.name == "dear")
        #expect(RoutingSelection.choose(scores, budgetShare: 0.05)?.candidate.name == "cheap")
        #expect(RoutingSelection.choose([], budgetShare: 0.6) == nil)
    }

    @Test func seedsRepeatTheSeededPartsAndReportTheSpread() throws {
        let train = OutcomeMatrix(models: models, rows: rows(40, prefix: "train", question: "algebra item", scores: [0.5, 0.8, 1]))
        let evaluation = RoutingEvaluation(settings: settings())
        let report = try evaluation.repeated(3) { try $0.crossValidate(train, folds: 4) }
        let spread = try #require(report.seeds)
        #expect(spread.seeds == [42, 43, 44] && spread.names.count == 3)
        #expect(report.seed == 42)
        #expect(spread.accuracy.min <= spread.accuracy.mean && spread.accuracy.mean <= spread.accuracy.max)
        #expect(try evaluation.repeated(1) { try $0.crossValidate(train, folds: 4) }.seeds == nil)
        let known = try #require(RoutingSeedSpread.Spread([1, 2, 3]))
        #expect(known.mean == 2 && known.sd == 1 && known.min == 1 && known.max == 3)
    }

    @Test func overlapNamesSharedIdsAndQuestionTexts() {
        let train = OutcomeMatrix(models: models, rows: rows(3, prefix: "q", question: "algebra item", scores: [1, 1, 1]))
        let test = OutcomeMatrix(
            models: models,
            rows: [
                .init(id: "q1", question: "something new", scores: [1, 1, 1]),
                .init(id: "fresh", question: "  algebra item\n", scores: [1, 1, 1]),
                .init(id: "other", question: "another question", scores: [1, 1, 1]),
            ]
        )
        #expect(train.overlap(with: test) == ["id 'q1'", "question 'algebra item' (id 'fresh')"])
    }

    @Test func emptyMatricesAreRefusedNotCrashedOn() {
        let evaluation = RoutingEvaluation(settings: settings())
        let some = OutcomeMatrix(models: models, rows: rows(3, prefix: "q", question: "algebra item", scores: [1, 1, 1]))
        let empty = OutcomeMatrix(models: models, rows: [])
        #expect(throws: RoutingEvaluation.Failure.noRows) { try evaluation.trainTest(train: empty, test: some) }
        #expect(throws: RoutingEvaluation.Failure.noRows) { try evaluation.trainTest(train: some, test: empty) }
        #expect(throws: RoutingEvaluation.Failure.tooFewRows(rows: 3, folds: 5)) { try evaluation.crossValidate(some, folds: 5) }
        #expect(throws: RoutingEvaluation.Failure.noModels) {
            try evaluation.crossValidate(
                OutcomeMatrix(models: [], rows: [.init(id: "q", question: "x", scores: [])] + [.init(id: "r", question: "y", scores: [])]),
                folds: 2
            )
        }
    }
}
