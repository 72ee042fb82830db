import ConclaveTesting
import Foundation
import Testing

@testable import ConclaveCore

@Suite struct RecruiterTests {
    let experts = [
        Fixtures.expert("math", skills: ["algebra": 3, "geometry": 1, "biology": -2], strength: 2),
        Fixtures.expert("bio", skills: ["biology": 4, "algebra": -1], strength: 3),
        Fixtures.expert("general", skills: ["algebra": 1, "biology": 1], strength: 2),
    ]

    @Test func relevanceIsTheSumOverTheInstanceSkills() {
        let scores = Recruiter(experts: experts, k: 1, strategy: .topK).score(skills: ["algebra", "geometry"])
        #expect(scores.map(\.relevance) == [4, -1, 1])
        #expect(scores[0].relevanceBySkill == ["algebra": 3, "geometry": 1])
    }

    @Test func weightIsRelevanceTimesNormalisedStrengthAndNonPositiveRelevanceIsIneligible() {
        let recruiter = Recruiter(experts: experts, k: 1, strategy: .topK)
        // strengths 2, 3, 2 → squared 4, 9, 4 → /17
        #expect(recruiter.strengths.map { ($0 * 17).rounded() } == [4, 9, 4])
        let scores = recruiter.score(skills: ["algebra", "geometry"])
        #expect(abs(scores[0].weight - 4 * 4.0 / 17) < 1e-12)
        #expect(scores[1].weight == 0)
        #expect(abs(scores[2].weight - 1 * 4.0 / 17) < 1e-12)
    }

    @Test func whenNoExpertHasPositiveRelevanceAllAreShiftedPositive() {
        let negative = [
            Fixtures.expert("a", skills: ["algebra": -3], strength: 1),
            Fixtures.expert("b", skills: ["algebra": -1], strength: 1),
        ]
        let scores = Recruiter(experts: negative, k: 1, strategy: .topK).score(skills: ["algebra"])
        #expect(scores.map(\.relevance) == [1, 3])
        #expect(scores.allSatisfy { $0.weight > 0 })
    }

    @Test func noMatchedSkillFallsBackToGlobalStrength() {
        var rng = SeededGenerator(seed: 1)
        let recruitment = Recruiter(experts: experts, k: 2, strategy: .topK).recruit(skills: [], using: &rng)
        #expect(recruitment.usedStrengthFallback)
        #expect(recruitment.team == ["bio", "math"])  // strongest first; ties by declaration order
        let unknownSkill = Recruiter(experts: experts, k: 1, strategy: .topK).recruit(skills: ["poetry"], using: &rng)
        #expect(unknownSkill.usedStrengthFallback)
        #expect(unknownSkill.team == ["bio"])
    }

    @Test func topKTakesTheKBestDistinctEligibleExperts() {
        var rng = SeededGenerator(seed: 1)
        let team = Recruiter(experts: experts, k: 3, strategy: .topK).recruit(skills: ["algebra", "geometry"], using: &rng).team
        #expect(team == ["math", "general"])  // "bio" has negative relevance: not eligible
    }

    @Test func symbolicSamplingIsReproducibleForTheSameSeedAndInstance() {
        let recruiter = Recruiter(experts: experts, k: 5, strategy: .symbolic)
        func team(_ seed: UInt64, _ id: String) -> [String] {
            var rng = SeededGenerator(seed: seed, instanceID: id)
            return recruiter.recruit(skills: ["algebra", "biology"], using: &rng).team
        }
        #expect(team(42, "q1") == team(42, "q1"))
        let teams = Set((0..<20).map { team(UInt64($0), "q1") })
        #expect(teams.count > 1, "different seeds should give different teams")
    }

    @Test func symbolicSamplingFollowsTheWeights() {
        // Chi-square goodness of fit over 30,000 seeded draws (k = 3 each); 2 degrees of freedom,
        // critical value 13.8 at p = 0.001.
        let recruiter = Recruiter(experts: experts, k: 3, strategy: .symbolic)
        let weights = recruiter.score(skills: ["algebra", "biology"]).map(\.weight)
        let total = weights.reduce(0, +)
        var counts = [String: Int]()
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<10_000 {
            for id in recruiter.recruit(skills: ["algebra", "biology"], using: &rng).team { counts[id, default: 0] += 1 }
        }
        let draws = 30_000.0
        let chiSquare = zip(experts, weights).reduce(0.0) { sum, pair in
            let expected = draws * pair.1 / total
            let observed = Double(counts[pair.0.id] ?? 0)
            return sum + (observed - expected) * (observed - expected) / expected
        }
        #expect(chiSquare < 13.8, "chi-square \(chiSquare) with counts \(counts)")
    }

    @Test func ineligibleExpertsAreNeverSampledAndReasonsExplainEachExpert() {
        let recruiter = Recruiter(experts: experts, k: 4, strategy: .symbolic)
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<500 {
            let recruitment = recruiter.recruit(skills: ["algebra", "geometry"], using: &rng)
            #expect(!recruitment.team.contains("bio"))
            #expect(recruitment.scores.map(\.seats).reduce(0, +) == 4)
        }
        let recruitment = recruiter.recruit(skills: ["algebra", "geometry"], using: &rng)
        #expect(recruitment.scores[1].reason.hasPrefix("not eligible"))
        #expect(recruitment.scores.filter { $0.seats > 0 }.allSatisfy { $0.reason.hasPrefix("recruited for") })
    }

    /// A fresh recruitment keeps its scores as one table; reading, changing and encoding them gives what
    /// the same scores as a plain list give.
    @Test func scoresKeptAsATableBehaveAsAList() throws {
        let recruiter = Recruiter(experts: experts, k: 2, strategy: .symbolic)
        var rng = SeededGenerator(seed: 4)
        var table = recruiter.recruit(skills: ["algebra", "unknown", "geometry"], using: &rng).scores
        var list = ExpertScores(Array(table))
        #expect(table == list)
        #expect(table.map(\.relevanceBySkill) == list.map(\.relevanceBySkill))
        #expect(table[0].relevanceBySkill["algebra"] == list[0].relevanceBySkill["algebra"])
        #expect(table[0].relevanceBySkill["unknown"] == nil)
        for (fresh, listed) in zip(table, list) {
            let sorted = fresh.relevanceBySkill.dictionary.sorted { $0.key < $1.key }
            #expect(fresh.relevanceBySkill.sortedBySkill.map(\.skill) == sorted.map(\.key))
            #expect(fresh.relevanceBySkill.sortedBySkill.map(\.value) == sorted.map(\.value))
            #expect(listed.relevanceBySkill.sortedBySkill.map(\.skill) == sorted.map(\.key))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(table) == encoder.encode(list))
        // Seats and reasons are written into the table; a new expert turns it into a list.
        table[1].seats += 2
        list[1].seats += 2
        table[2].reason = "replaced"
        list[2].reason = "replaced"
        #expect(table == list && table[2].reason == "replaced" && table[0].reason == list[0].reason)
        table[0].expert = "someone"
        list[0].expert = "someone"
        #expect(table == list && table[0].expert == "someone")
        let decoded = try JSONDecoder().decode(ExpertScores.self, from: encoder.encode(table))
        #expect(decoded == list)
    }

    /// The scores keep what they are worked out from; what they read is what the team was drawn with:
    /// priced costs are each expert's expected cost for the question, and the numbers equal those of
    /// the same skills and costs listed by hand.
    @Test func scoresReadBackAreTheNumbersTheTeamWasDrawnWith() throws {
        let registry = Registry(experts: experts, skills: [Skill(name: "algebra", domain: "m"), Skill(name: "biology", domain: "s")], roles: [])
        let instance = Instance(id: "q", text: "Solve the algebra of biology")
        for strategy in [RecruitmentStrategy.symbolic, .costAware] {
            let decider = DecisionMaker(registry: registry, k: 2, strategy: strategy, lambda: 0.5, aggregator: "math", seed: 3)
            let scores = decider.decide(for: instance).recruitment.scores
            let costs = experts.map { $0.expectedCost(promptTokens: DecisionMaker.promptTokens(instance)) }
            #expect(scores.map(\.cost) == costs)
            let listed = decider.recruiter.score(skills: ["algebra", "biology"], costs: costs)
            #expect(scores.map(\.relevance) == listed.map(\.relevance))
            #expect(scores.map(\.weight) == listed.map(\.weight))
            #expect(Array(scores).map(\.weight) == scores.indices.map { scores[$0].weight }, "iterating and subscripting agree")
        }
        let predicted = [0.9, 0.2, 0.5]
        let learned = Recruiter(experts: experts, k: 1, strategy: .learned, lambda: 2).score(
            skills: ["algebra"],
            costs: [0.1, 0, 0],
            predicted: predicted
        )
        #expect(learned.map(\.relevance) == predicted)
        #expect(learned.map(\.weight) == [0.9 - 2 * 0.1, 0.2, 0.5])
    }

    /// Experts ranked by weight without working out whole scores come in the order of the whole scores
    /// sorted by weight, highest first, ties by id: for fresh scores, for a list and for a lone candidate,
    /// over seeded registries with many ties.
    @Test func expertsByWeightRankAsTheWholeScoresDo() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let count = Int.random(in: 1...6, using: &rng)
            let team = (0..<count).map { index in
                Fixtures.expert(
                    "e\(Int.random(in: 0...9, using: &rng))\(index)",
                    skills: ["algebra": Double(Int.random(in: -2...3, using: &rng)), "biology": Double(Int.random(in: -2...3, using: &rng))],
                    strength: Double(Int.random(in: 1...3, using: &rng))
                )
            }
            let strategy = [RecruitmentStrategy.symbolic, .topK, .costAware].randomElement(using: &rng) ?? .symbolic
            let skills = [["algebra"], ["biology"], ["algebra", "biology"], []].randomElement(using: &rng) ?? []
            let fresh = Recruiter(experts: team, k: 2, strategy: strategy, lambda: 0.5).recruit(skills: skills, using: &rng).scores
            let expected = Array(fresh).sorted { ($0.weight, $1.expert) > ($1.weight, $0.expert) }.map(\.expert)
            #expect(fresh.expertsByWeight() == expected)
            #expect(ExpertScores(Array(fresh)).expertsByWeight() == expected)
        }
    }

    /// A number written into fresh scores turns them into a list that keeps everything else.
    @Test func writingANumberKeepsTheOtherScores() {
        var rng = SeededGenerator(seed: 5)
        var scores = Recruiter(experts: experts, k: 2, strategy: .symbolic).recruit(skills: ["algebra"], using: &rng).scores
        let before = Array(scores)
        scores[1].weight = 7
        #expect(scores[1].weight == 7 && scores[1].relevance == before[1].relevance && scores[1].seats == before[1].seats)
        #expect(scores[0] == before[0] && scores[2] == before[2])
    }

    /// Seats are packed four bits per candidate while they fit; more candidates, or more seats than four
    /// bits hold, read back the same.
    @Test func seatCountsReadBackWhateverTheyHold() {
        var few = SeatCounts(candidates: 16)
        few[15] = 15
        few[0] = 3
        #expect(few[15] == 15 && few[0] == 3 && few[7] == 0)
        few[15] += 1
        few[0] -= 4
        #expect(few[15] == 16 && few[0] == -1 && few[1] == 0)
        var many = SeatCounts(candidates: 40)
        many[39] = 2
        #expect(many[39] == 2 && many[16] == 0)
        // One expert drawn for every one of 17 seats (sampling with replacement).
        var rng = SeededGenerator(seed: 1)
        let alone = Recruiter(experts: [experts[0]], k: 17, strategy: .symbolic).recruit(skills: ["algebra"], using: &rng)
        #expect(alone.team.count == 17 && alone.scores[0].seats == 17)
    }
}
