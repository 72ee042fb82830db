import ConclaveCore
import ConclaveTesting
import Testing

/// Plans fitted under an instance budget before any call: fewer agents first, then a cheaper expert.
@Suite struct BudgetDowngradeTests {
    func recruitment(_ team: [String], weights: [String: Double]) -> Recruitment {
        let scores = weights.sorted { $0.key < $1.key }.map { id, weight in
            ExpertScore(
                expert: id,
                relevanceBySkill: [:],
                relevance: weight,
                strength: 1,
                weight: weight,
                seats: team.filter { $0 == id }.count,
                reason: ""
            )
        }
        return Recruitment(team: team, scores: scores, usedStrengthFallback: false)
    }

    let ceilings = ["big": 10.0, "mid": 4.0, "small": 1.0]
    let weights = ["big": 3.0, "mid": 2.0, "small": 1.0]

    @Test func aPlanThatFitsIsLeftAlone() {
        var plan = recruitment(["big", "mid"], weights: weights)
        #expect(BudgetDowngrade(limit: 20).apply(to: &plan, ceilings: ceilings) { _ in 2 }.isEmpty)
        #expect(plan.team == ["big", "mid"])
    }

    @Test func theLowestWeightedSeatsGoFirst() {
        var plan = recruitment(["mid", "big", "small"], weights: weights)
        let steps = BudgetDowngrade(limit: 13).apply(to: &plan, ceilings: ceilings) { answers in Double(answers) }
        #expect(plan.team == ["big"], "15 + 3 → drop small (14 + 2) → drop mid (10 + 1 = 11 ≤ 13)")
        #expect(steps.count == 2 && steps[0].hasPrefix("dropped a seat of small") && steps[1].hasPrefix("dropped a seat of mid"))
        #expect(plan.scores.first { $0.expert == "small" }?.seats == 0)
        #expect(plan.scores.first { $0.expert == "big" }?.seats == 1)
    }

    @Test func thenTheLastSeatMovesToTheCheapestExpertThatFits() {
        var plan = recruitment(["big", "big"], weights: weights)
        let steps = BudgetDowngrade(limit: 5).apply(to: &plan, ceilings: ceilings) { _ in 1 }
        #expect(plan.team == ["small"])
        #expect(steps.last?.hasPrefix("moved the seat of big to small") == true)
        #expect(plan.scores.first { $0.expert == "big" }?.seats == 0 && plan.scores.first { $0.expert == "small" }?.seats == 1)
    }

    @Test func whenNothingFitsItSaysSo() {
        var plan = recruitment(["big"], weights: weights)
        let steps = BudgetDowngrade(limit: 0.5).apply(to: &plan, ceilings: ceilings) { _ in 1 }
        #expect(plan.team == ["big"])
        #expect(steps.last?.hasPrefix("no plan fits the instance budget") == true)
    }

    @Test func aDecisionMakerWithAnInstanceBudgetRecordsItsDowngrades() {
        let registry = Registry(
            experts: [
                Fixtures.expert("a", skills: ["algebra": 3]), Fixtures.expert("b", skills: ["algebra": 2]),
                Fixtures.expert("c", skills: ["algebra": 1]),
            ],
            skills: Fixtures.skills,
            roles: []
        )
        let free = DecisionMaker(registry: registry, k: 3, strategy: .topK, aggregator: "a", seed: 1)
        let instance = Instance(id: "q", text: "Solve the equation 2x = 4")
        #expect(free.decide(for: instance).recruitment.team.count == 3)
        #expect(free.decide(for: instance).downgrades == nil)
        let tight = DecisionMaker(registry: registry, k: 3, strategy: .topK, instanceBudget: 0.0009, aggregator: "a", seed: 1)
        let decision = tight.decide(for: instance)
        #expect(decision.recruitment.team.count < 3)
        #expect(decision.downgrades?.first?.hasPrefix("dropped a seat of c") == true, "\(decision.downgrades ?? [])")
    }
}
