import ConclaveTesting
import Testing

@testable import ConclaveCore

@Suite struct KeywordConsistencyTests {
    @Test func keepsKeywordsSeenInAtLeastTwoSamples() {
        let samples = [
            "Algebra, linear equations, arithmetic",
            "1. algebra\n2. Linear Equations\n3. number sense",
            "Keywords: algebra; fractions",
            "algebra, algebra, fractions, a very long keyword that goes on",
            "a very long keyword that goes on, geometry",
        ]
        // "algebra" is in 4 samples (twice in one, which counts once); "linear equation" and "fraction" in 2;
        // "arithmetic", "number sense" and "geometry" in 1; the long keyword is in 2 but over 20 characters.
        #expect(KeywordConsistency().keep(samples) == ["algebra", "linear equations", "fractions"])
    }

    @Test func thresholdsAreSettings() {
        let samples = ["physics", "physics, optics", "optics, electromagnetism"]
        #expect(KeywordConsistency(minimumCount: 1).keep(samples) == ["physics", "optics", "electromagnetism"])
        #expect(KeywordConsistency(minimumCount: 2, maximumLength: 6).keep(samples) == ["optics"])
        #expect(KeywordConsistency(minimumCount: 3).keep(samples).isEmpty)
        #expect(KeywordConsistency().keep([]).isEmpty)
    }

    @Test func parsesListsAsModelsWriteThem() {
        #expect(KeywordConsistency.keywords(in: "- Cell biology\n- \"Genetics\"\n- DNA.") == ["cell biology", "genetics", "dna"])
        #expect(KeywordConsistency.keywords(in: "Skills needed: probability, 2) statistics") == ["probability", "statistics"])
        #expect(KeywordConsistency.keywords(in: " , ;\n").isEmpty)
        #expect(KeywordConsistency.keywords(in: "A: 36, 6 × 7 = 42, multiplication") == ["multiplication"])
    }
}

@Suite struct SkillMapperTests {
    let mapper = SkillMapper(skills: Fixtures.skills + [Skill(name: "equations", aliases: [], domain: "mathematics")])

    @Test func aliasComesBeforeLexicalSimilarity() {
        // "equation" is an alias of algebra and also spelled almost like the skill "equations" (same stem).
        let mapping = mapper.map("Equation")
        #expect(mapping.method == .alias && mapping.skill == "algebra" && mapping.term == "equation" && mapping.similarity == 1)
        #expect(mapper.map("triangles").method == .alias)
    }

    @Test func lexicalStepFindsContainedTermsAndNearSpellings() {
        let contained = mapper.map("right triangle trigonometry")
        #expect(contained.method == .lexical && contained.skill == "geometry" && contained.term == "triangle")
        let misspelt = mapper.map("photosynthesys")
        #expect(misspelt.method == .lexical && misspelt.skill == "biology" && misspelt.similarity >= 0.8)
        #expect(mapper.map("poetry").method == .unmapped)
        #expect(mapper.map("poetry").skill == nil)
    }

    @Test func embeddingStepOnlyMapsAboveItsThreshold() {
        // One dimension per term, in `terms` order: a keyword vector pointing at a term maps to its skill.
        let dimensions = mapper.terms.count
        func axis(_ index: Int, _ value: Double = 1) -> [Double] { (0..<dimensions).map { $0 == index ? value : 0 } }
        let termVectors = (0..<dimensions).map { axis($0) }
        let prime = mapper.terms.firstIndex { $0.text == "prime" }!
        var near = axis(prime)
        near[0] = 0.5  // cosine ≈ 0.89 with "prime", ≈ 0.45 with the first term
        let mapped = mapper.map("divisibility", vector: near, termVectors: termVectors)
        #expect(mapped.method == .embedding && mapped.skill == "number theory" && mapped.term == "prime")
        #expect(abs(mapped.similarity - 1 / 1.25.squareRoot()) < 1e-9)
        let far = (0..<dimensions).map { _ in 1.0 }  // equally far from every term: cosine 1/√n < 0.6
        #expect(mapper.map("cooking", vector: far, termVectors: termVectors).method == .unmapped)
    }

    @Test func decisionSkillsComeFromMappedKeywordsInOrder() {
        let mappings = ["geometry", "poetry", "area", "prime"].map(mapper.map)
        let skills = SkillMapper.skills(from: mappings)
        #expect(skills.map(\.skill) == ["geometry", "number theory"])
        #expect(skills.map(\.term) == ["geometry", "prime"])
        #expect(SkillExtraction(samples: [], keywords: mappings).unmapped == ["poetry"])
    }

    @Test func diceCoefficient() {
        #expect(SkillMapper.dice("night", "nacht") == 0.25)
        #expect(SkillMapper.dice("abc", "abc") == 1)
        #expect(SkillMapper.dice("a", "b") == 0)
    }
}

@Suite struct AggregationCasesTests {
    /// 30 questions: a third mixed (1 of 3 answers right), a third all right, a third all wrong.
    var questions: [AggregationCases.Question] {
        (0..<30).map { number in
            let pattern: [Bool] = number % 3 == 0 ? [true, false, false] : number % 3 == 1 ? [true, true, true] : [false, false, false]
            return AggregationCases.Question(
                id: "q\(number)",
                answers: pattern.enumerated().map { AggregationCases.Answer(text: "q\(number) answer \($0) \($1 ? "right" : "wrong")", correct: $1) }
            )
        }
    }

    @Test func mixedQuestionsComeFirstAndGiveMixedCases() {
        let cases = AggregationCases.sample(questions, count: 12, size: 3, seed: 7)
        #expect(cases.count == 12)
        let mixedIDs = Set(stride(from: 0, to: 30, by: 3).map { "q\($0)" })
        #expect(Set(cases.prefix(10).map(\.questionID)) == mixedIDs)
        for benchmarkCase in cases.prefix(10) {
            #expect(benchmarkCase.responses.count == 3)
            #expect(benchmarkCase.rightCount == 1)
            #expect(benchmarkCase.responses.filter { $0.hasSuffix("right") }.count == 1)
            #expect(benchmarkCase.responses.allSatisfy { $0.hasPrefix(benchmarkCase.questionID + " ") })
        }
        #expect(Set(cases.map(\.id)).count == 12)
    }

    @Test func seededAndSized() {
        #expect(AggregationCases.sample(questions, count: 8, size: 5, seed: 1) == AggregationCases.sample(questions, count: 8, size: 5, seed: 1))
        #expect(AggregationCases.sample(questions, count: 8, size: 5, seed: 1) != AggregationCases.sample(questions, count: 8, size: 5, seed: 2))
        // Five answers from three: every answer is used before any repeats.
        let big = AggregationCases.sample(questions, count: 1, size: 5, seed: 3)[0]
        #expect(big.responses.count == 5 && Set(big.responses).count == 3)
        #expect(AggregationCases.sample(questions, count: 100, size: 2, seed: 1).count == 30)
        #expect(AggregationCases.sample([AggregationCases.Question(id: "empty", answers: [])], count: 5, size: 3, seed: 1).isEmpty)
    }

    @Test func mixedCasesOverManySeeds() {
        // Whatever the seed, a case drawn from a mixed question holds both a right and a wrong answer.
        for seed in 0..<200 as Range<UInt64> {
            for benchmarkCase in AggregationCases.sample(questions, count: 10, size: 2, seed: seed) {
                #expect(benchmarkCase.rightCount == 1)
            }
        }
    }
}
