import ConclaveCore
import ConclaveTesting
import Testing

/// Plans fitted under an instance budget before any call: fewer agents first, then a cheaper expert.
@Suite struct BudgetDowngradeTests {
    let ceilings = ["big": 10.0, "mid": 4.0, "small": 1.0]
    let weights = ["big": 3.0, "mid": 2.0, "small": 1.0]

    func plan(_ mode: CollaborationMode, _ team: [String], rounds: Int = 1) -> Collaboration {
        Collaboration(mode: mode, rounds: rounds, agents: team.enumerated().map { Agent(seat: $0, expert: $1) })
    }

    /// Every agent call at its expert's ceiling, and an aggregator costing 1 per answer it reads.
    func cost(_ plan: Collaboration) -> Double {
        var total = (0..<plan.roundCount).flatMap { plan.agents(inRound: $0) }.reduce(0) { $0 + (ceilings[$1.expert] ?? 0) }
        if plan.finish == .aggregator { total += Double(plan.finalSlots.count) }
        return total
    }

    func downgrade(_ plan: inout Collaboration, limit: Double, order: [DowngradeStep] = DowngradeStep.allCases) -> [String] {
        BudgetDowngrade(limit: limit, order: order).apply(to: &plan, weights: weights, ceilings: ceilings, cost: cost)
    }

    @Test func aPlanThatFitsIsLeftAlone() {
        var ensemble = plan(.ensemble, ["big", "mid"])
        #expect(downgrade(&ensemble, limit: 20).isEmpty)
        #expect(ensemble.team == ["big", "mid"])
    }

    @Test func theLowestWeightedSeatsGoFirst() {
        var ensemble = plan(.ensemble, ["mid", "big", "small"])
        let steps = downgrade(&ensemble, limit: 13)
        #expect(ensemble.team == ["big"], "15 + 3 → drop small (14 + 2) → drop mid (10 + 1 = 11 ≤ 13)")
        #expect(steps.count == 2 && steps[0].hasPrefix("dropped a seat of small") && steps[1].hasPrefix("dropped a seat of mid"))
        #expect(ensemble.agents.map(\.seat) == [0], "seats are numbered again")
    }

    @Test func thenSeatsMoveToTheCheapestExpert() {
        var ensemble = plan(.ensemble, ["big", "big"])
        let steps = downgrade(&ensemble, limit: 5)
        #expect(ensemble.team == ["small"])
        #expect(steps.last?.hasPrefix("moved the seat of big to small, the cheapest expert") == true)
    }

    @Test func thenTheModeGetsSimpler() {
        // A debate of two rounds of two small agents: 4 calls + 2 = 6; an ensemble: 2 + 2 = 4.
        var debate = plan(.debate, ["small", "small"], rounds: 2)
        let steps = downgrade(&debate, limit: 4.5, order: [.mode, .agents, .experts])
        #expect(debate.mode == .ensemble && debate.team == ["small", "small"])
        #expect(steps == ["simplified the mode from debate to ensemble: the plan could cost 6.0, over the instance budget 4.5"])
    }

    @Test func thePipelineSetsTheOrder() {
        // Agents first: debate of one agent, 2 rounds: 2 + 1 = 3 ≤ 4.5, the mode stays a debate.
        var first = plan(.debate, ["small", "small"], rounds: 2)
        _ = downgrade(&first, limit: 4.5, order: [.agents, .mode])
        #expect(first.mode == .debate && first.team == ["small"])
        // An order without `agents` never drops a seat: 2 rounds → ensemble (4) → single (1).
        var modesOnly = plan(.debate, ["small", "small"], rounds: 2)
        _ = downgrade(&modesOnly, limit: 3, order: [.mode])
        #expect(modesOnly.mode == .single && modesOnly.agents.count == 1)
    }

    @Test func whenNothingFitsItSaysSo() {
        var single = plan(.single, ["big"])
        let steps = downgrade(&single, limit: 0.5)
        #expect(single.team == ["small"], "the cheapest plan there is")
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
