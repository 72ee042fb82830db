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
}
