import Testing

@testable import ConclaveCore
@testable import ConclaveEvaluation

/// A hand-made outcome matrix whose table is known: "cheap" is right on every algebra question, "dear"
/// on every biology question; each is wrong on the other's.
@Suite struct RoutingEvaluationTests {
    let skills = [Skill(name: "algebra", domain: "mathematics"), Skill(name: "biology", domain: "science")]
    let models = [
        OutcomeMatrix.Model(name: "cheap", price: Price(inputPerMillion: 1, outputPerMillion: 1)),
        OutcomeMatrix.Model(name: "dear", price: Price(inputPerMillion: 10, outputPerMillion: 10)),
    ]

    func matrix(_ count: Int) -> OutcomeMatrix {
        OutcomeMatrix(
            models: models,
            rows: (0..<count).map { index in
                index.isMultiple(of: 2)
                    ? .init(id: "a\(index)", question: "algebra item", scores: [1, 0])
                    : .init(id: "b\(index)", question: "biology item", scores: [0, 1])
            }
        )
    }

    func settings() -> RoutingEvaluation.Settings {
        var settings = RoutingEvaluation.Settings(skills: skills)
        settings.minimumTermCount = 1_000  // registry vocabulary only
        settings.outputTokens = 0
        settings.lambdaFactors = [0]
        return settings
    }

    @Test func trainTestGivesTheKnownTable() throws {
        let report = try RoutingEvaluation(settings: settings()).trainTest(train: matrix(20), test: matrix(10))
        func line(_ name: String, k: Int = 1) throws -> RoutingEvaluation.Line { try #require(report.lines.first { $0.name == name && $0.k == k }) }
        // "algebra item" and "biology item" are 12 bytes: 3 tokens each.
        #expect(try line("single: cheap").accuracy == 0.5)
        #expect(abs(try line("single: cheap").cost - 3e-6) < 1e-12)
        #expect(try line("single: dear").accuracy == 0.5)
        #expect(try line("random").accuracy == 0.5)
        #expect(try line("oracle").accuracy == 1)
        #expect(abs(try line("oracle").cost - 16.5e-6) < 1e-12)  // cheap on algebra, dear on biology
        #expect(try line("top-k").accuracy == 1)
        #expect(try line("cost-aware λ×0.0").accuracy == 1)
        #expect(try line("top-k", k: 3).accuracy == 1)
        #expect(report.instances == 10)
    }

    @Test func crossValidationJudgesEveryRowOnceWithProfilesFromTheOthers() throws {
        let report = try RoutingEvaluation(settings: settings()).crossValidate(matrix(50), folds: 5)
        #expect(report.parts == 5 && report.instances == 50)
        let topK = report.lines.first { $0.name == "top-k" && $0.k == 1 }
        #expect(topK?.accuracy == 1)
        #expect(abs((report.lines.first { $0.name == "best single" }?.relativeCost ?? 0) - 1) < 1e-9)
        #expect(report.lines.first { $0.name == "oracle" }?.accuracy == 1)
    }

    @Test func foldsPartitionTheRows() {
        let folds = matrix(23).folds(5, seed: 3)
        #expect(folds.flatMap { $0 }.sorted() == Array(0..<23))
        #expect((folds.map(\.count).max() ?? 0) - (folds.map(\.count).min() ?? 0) <= 1)
        #expect(folds == matrix(23).folds(5, seed: 3))
    }

    @Test func profilesSumCorrectMinusWrongPerSkill() {
        var builder = ProfileBuilder()
        builder.add(skills: ["algebra", "geometry"], score: 1)
        builder.add(skills: ["algebra", "algebra"], score: 0)
        builder.add(skills: ["geometry"], score: 0.75)
        let profile = builder.profile
        #expect(profile.skills == ["algebra": 0, "geometry": 1.5])
        #expect(profile.answered == ["algebra": 2, "geometry": 2])
        #expect(profile.strength == 1.5)
        #expect(abs(profile.globalRate! - 0.5 / 3) < 1e-12)
    }

    @Test func minedTermsKeepFrequentWordsAndDropStopWordsRareWordsAndKnownSkills() {
        let questions = (0..<10).map { "What is the enzyme kinetics of sample \($0)?" } + ["one algebra enzyme"]
        let mined = TermMiner(minimumCount: 3, maximumShare: 1).skills(from: questions, excluding: skills)
        #expect(mined.map(\.name) == ["enzyme", "kinetic", "sample"])
        #expect(mined.allSatisfy { $0.domain == "mined" })
        // "enzyme" is in every question.
        #expect(TermMiner(minimumCount: 3, maximumShare: 0.95).skills(from: questions).map(\.name) == ["kinetic", "sample"])
        #expect(TermMiner(minimumCount: 3, maximumShare: 0.5).skills(from: questions).isEmpty)
    }
}
