import ConclaveTesting
import Testing

@testable import ConclaveCore

@Suite struct StrategyTests {
    func expert(_ id: String, price: Double, skills: [String: Double], answered: [String: Int], rate: Double) -> Expert {
        var expert = Fixtures.expert(id, skills: skills)
        expert.price = Price(inputPerMillion: price, outputPerMillion: price)
        expert.profile = Profile(skills: skills, answered: answered, globalRate: rate)
        return expert
    }

    var experts: [Expert] {
        [
            expert("dear", price: 10, skills: ["algebra": 8], answered: ["algebra": 10], rate: 0.6),
            expert("cheap", price: 1, skills: ["algebra": 6], answered: ["algebra": 10], rate: 0.4),
        ]
    }

    @Test func costAwareTradesExpectedCorrectnessAgainstCost() {
        var rng = SeededGenerator(seed: 1)
        let costs = [10.0, 1.0]
        // rates 0.8 and 0.6: with λ = 0 the better one wins; at λ = 0.1 the cost gap (0.9) outweighs 0.2.
        let free = Recruiter(experts: experts, k: 1, strategy: .costAware, lambda: 0).recruit(skills: ["algebra"], costs: costs, using: &rng)
        #expect(free.team == ["dear"])
        let thrifty = Recruiter(experts: experts, k: 1, strategy: .costAware, lambda: 0.1).recruit(skills: ["algebra"], costs: costs, using: &rng)
        #expect(thrifty.team == ["cheap"])
        #expect(abs(thrifty.scores[0].weight - (0.8 - 1)) < 1e-12)
        #expect(thrifty.scores[1].reason.hasPrefix("recruited for 1 of 1 seats: expected correctness 0.6"))
        // No matched skill: the global rates stand in.
        let unknown = Recruiter(experts: experts, k: 2, strategy: .costAware, lambda: 0).recruit(skills: ["poetry"], costs: costs, using: &rng)
        #expect(unknown.team == ["dear", "cheap"] && unknown.usedStrengthFallback)
    }

    @Test func theDenseTeamAgreesWithTheExplainedRecruitment() {
        let many = (0..<16).map { (index: Int) -> Expert in
            var skills: [String: Double] = [:]
            for skill in 0..<5 { skills["s\(skill)"] = Double((index * 7 + skill * 3) % 11) - 4 }
            return Fixtures.expert("e\(index)", skills: skills)
        }
        for strategy in RecruitmentStrategy.allCases {
            let recruiter = Recruiter(experts: many, k: 3, strategy: strategy, lambda: 0.5)
            for seed in 0..<200 as Range<UInt64> {
                let skills = (0..<Int(seed % 6)).map { "s\(($0 + Int(seed)) % 5)" }
                let costs = many.indices.map { Double(($0 * 5 + Int(seed)) % 7) }
                var left = SeededGenerator(seed: seed)
                var right = SeededGenerator(seed: seed)
                let explained = recruiter.recruit(skills: skills, costs: costs, using: &left).team
                let dense = recruiter.team(columns: recruiter.columns(for: skills), costs: costs, using: &right).map { many[$0].id }
                #expect(explained == dense, "\(strategy) seed \(seed)")
            }
        }
    }

    @Test func rareExpertsGiveTheirSeatsToTheHeaviestFrequentExpert() {
        let recruiter = Recruiter(
            experts: [
                Fixtures.expert("a", skills: ["algebra": 5]), Fixtures.expert("b", skills: ["algebra": 3]),
                Fixtures.expert("rare", skills: ["algebra": 1]),
            ],
            k: 2,
            strategy: .topK
        )
        var rng = SeededGenerator(seed: 1)
        let base = recruiter.recruit(skills: ["algebra"], using: &rng)  // team a, b
        var withRare = base
        withRare.team = ["a", "rare"]
        withRare.scores[1].seats = 0
        withRare.scores[2].seats = 1
        var recruitments = Array(repeating: base, count: 99) + [withRare]
        let replaced = RareExpertReplacement(minimumShare: 0.05).apply(to: &recruitments)
        #expect(replaced == ["rare"])
        #expect(recruitments[99].team == ["a", "a"])
        #expect(recruitments[99].scores.map(\.seats) == [2, 0, 0])
        #expect(recruitments[99].scores[2].reason.contains("replaced by a"))
        #expect(recruitments[..<99].allSatisfy { $0 == base })
        var unchanged = Array(repeating: withRare, count: 10)
        #expect(RareExpertReplacement(minimumShare: 0.05).apply(to: &unchanged).isEmpty)  // every expert is frequent
    }

    @Test func aDecisionsAgentsTakeTheSeatsRareReplacementGaveAway() {
        let experts = (0..<8).map { index in Fixtures.expert("e\(index)", skills: ["algebra": index == 7 ? 0.2 : Double(8 - index)]) }
        let registry = Registry(experts: experts, skills: Fixtures.skills, roles: [])
        let decider = DecisionMaker(
            registry: registry,
            k: 3,
            strategy: .symbolic,
            replaceRareBelow: 0.05,
            collaboration: CollaborationSpec(mode: .debate),
            aggregator: "e0",
            seed: 5
        )
        var decisions = (0..<500).map { decider.decide(for: Instance(id: "q\($0)", text: "Solve the equation")) }
        #expect(!decider.replaceRareExperts(in: &decisions).isEmpty)
        #expect(decisions.allSatisfy { $0.plan.team == $0.recruitment.team && $0.plan.mode == .debate })
    }

    @Test func rareReplacementLowersTheModelsUsedOverManySeededDraws() {
        let experts = (0..<8).map { index in Fixtures.expert("e\(index)", skills: ["algebra": index == 7 ? 0.2 : Double(8 - index)]) }
        let recruiter = Recruiter(experts: experts, k: 3, strategy: .symbolic)
        var recruitments = (0..<2_000).map { index -> Recruitment in
            var rng = SeededGenerator(seed: 5, instanceID: "q\(index)")
            return recruiter.recruit(skills: ["algebra"], using: &rng)
        }
        func shares() -> [String: Double] {
            var counts: [String: Int] = [:]
            for recruitment in recruitments { for expert in Set(recruitment.team) { counts[expert, default: 0] += 1 } }
            return counts.mapValues { Double($0) / 2_000 }
        }
        let rare = shares().filter { $0.value < 0.05 }.keys
        #expect(!rare.isEmpty)
        RareExpertReplacement(minimumShare: 0.05).apply(to: &recruitments)
        #expect(Set(shares().keys).isDisjoint(with: rare))
        #expect(recruitments.allSatisfy { $0.team.count == 3 && $0.scores.map(\.seats).reduce(0, +) == 3 })
    }

    @Test func aFrequentExpertWithNoWeightIsNeverSeatedByReplacement() {
        // "b" is frequent overall but has no positive weight for geometry questions; "rare" is drawn once.
        let recruiter = Recruiter(
            experts: [
                Fixtures.expert("b", skills: ["algebra": 4, "geometry": -2]), Fixtures.expert("rare", skills: ["geometry": 1]),
            ],
            k: 1,
            strategy: .topK
        )
        var rng = SeededGenerator(seed: 1)
        let algebra = recruiter.recruit(skills: ["algebra"], using: &rng)
        let geometry = recruiter.recruit(skills: ["geometry"], using: &rng)
        #expect(algebra.team == ["b"] && geometry.team == ["rare"])
        #expect(geometry.scores[0].weight == 0)
        var recruitments = Array(repeating: algebra, count: 99) + [geometry]
        RareExpertReplacement(minimumShare: 0.05).apply(to: &recruitments)
        #expect(recruitments[99] == geometry)
        #expect(
            recruitments.allSatisfy { recruitment in
                recruitment.scores.allSatisfy { $0.seats == 0 || $0.weight > 0 }
            }
        )
    }

    @Test func theDecisionMakerReplacesAcrossAWindowAsTheRunDoes() {
        let registry = Registry(
            experts: (0..<6).map { Fixtures.expert("e\($0)", skills: ["algebra": $0 == 5 ? 0.3 : Double(6 - $0)]) },
            skills: Fixtures.skills,
            roles: []
        )
        let decider = DecisionMaker(registry: registry, k: 3, strategy: .symbolic, replaceRareBelow: 0.05, aggregator: "e0", seed: 3)
        let window = (0..<500).map { Instance(id: "q\($0)", text: "Solve the equation \($0)") }
        var decisions = window.map { decider.decide(for: $0) }
        let before = decisions
        let rare = decider.replaceRareExperts(in: &decisions)
        #expect(!rare.isEmpty)
        #expect(decisions != before)
        #expect(decisions.allSatisfy { Set($0.recruitment.team).isDisjoint(with: rare) })
        var off = before
        #expect(DecisionMaker(registry: registry, k: 3, strategy: .symbolic, aggregator: "e0", seed: 3).replaceRareExperts(in: &off).isEmpty)
        #expect(off == before)
    }

    @Test func reasonsAreToldFromTheNumbers() {
        let recruiter = Recruiter(
            experts: [Fixtures.expert("a", skills: ["algebra": 2]), Fixtures.expert("b", skills: ["algebra": -1])],
            k: 2,
            strategy: .topK
        )
        var rng = SeededGenerator(seed: 1)
        let recruitment = recruiter.recruit(skills: ["algebra"], using: &rng)
        #expect(recruitment.scores[0].reason == "recruited for 1 of 2 seats: relevance 2 × strength 0.941")
        #expect(recruitment.scores[1].reason == "not eligible: relevance -1 is not positive")
        let fallback = recruiter.recruit(skills: ["history"], using: &rng)
        #expect(fallback.usedStrengthFallback)
        #expect(fallback.scores[0].reason.hasSuffix("no matched skill in its profile; weighted by global strength"))
    }
}
