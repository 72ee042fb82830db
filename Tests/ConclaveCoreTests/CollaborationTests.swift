import ConclaveCore
import ConclaveTesting
import Testing

/// The modes as plans: which agents answer in which round, what each call is given, how each ends.
@Suite struct CollaborationTests {
    let agents = (0..<3).map { Agent(seat: $0, expert: "e\($0)") }

    func plan(_ mode: CollaborationMode, rounds: Int = 2) -> Collaboration {
        Collaboration(mode: mode, rounds: rounds, agents: Array(agents.prefix(mode.agentCount(k: 3))))
    }

    /// Seats answering in each round, round by round.
    func seats(_ plan: Collaboration) -> [[Int]] {
        (0..<plan.roundCount).map { plan.agents(inRound: $0).map(\.seat) }
    }

    @Test func eachModeHasItsRounds() {
        #expect(seats(plan(.single)) == [[0]])
        #expect(seats(plan(.ensemble)) == [[0, 1, 2]])
        #expect(seats(plan(.debate, rounds: 3)) == [[0, 1, 2], [0, 1, 2], [0, 1, 2]])
        #expect(seats(plan(.reflection, rounds: 2)) == [[0], [1], [0], [1], [0]], "solve, critique, revise, critique, revise")
        #expect(seats(plan(.chain)) == [[0], [1], [2]])
        #expect(seats(plan(.layered, rounds: 2)) == [[0, 1, 2], [0, 1, 2]])
        #expect(plan(.layered).agents(inRound: 2).isEmpty && plan(.single).agents(inRound: -1).isEmpty)
    }

    @Test func oneAgentReflectsOnItsOwnAnswer() {
        let alone = Collaboration(mode: .reflection, rounds: 1, agents: [agents[0]])
        #expect(seats(alone) == [[0], [0], [0]])
        #expect(alone.inputs(round: 2, seat: 0) == [Slot(round: 0, seat: 0), Slot(round: 1, seat: 0)])
    }

    @Test func eachCallIsGivenTheAnswersItsTurnNeeds() {
        let debate = plan(.debate)
        #expect(debate.inputs(round: 0, seat: 1).isEmpty)
        #expect(debate.inputs(round: 1, seat: 1) == (0..<3).map { Slot(round: 0, seat: $0) })
        #expect(debate.turn(round: 0) == .answer && debate.turn(round: 1) == .debate)
        let chain = plan(.chain)
        #expect(chain.inputs(round: 2, seat: 2) == [Slot(round: 1, seat: 1)] && chain.turn(round: 2) == .refine)
        let reflection = plan(.reflection, rounds: 1)
        #expect(reflection.inputs(round: 1, seat: 1) == [Slot(round: 0, seat: 0)] && reflection.turn(round: 1) == .critique)
        #expect(reflection.inputs(round: 2, seat: 0) == [Slot(round: 0, seat: 0), Slot(round: 1, seat: 1)] && reflection.turn(round: 2) == .revise)
        let layered = plan(.layered)
        #expect(layered.inputs(round: 1, seat: 0).count == 3 && layered.turn(round: 1) == .layer)
        #expect(plan(.ensemble).inputs(round: 0, seat: 0).isEmpty)
    }

    @Test func eachModeEndsItsOwnWay() {
        #expect(plan(.single).finish == .last && plan(.chain).finish == .last && plan(.reflection).finish == .last)
        #expect(plan(.ensemble).finish == .aggregator && plan(.debate).finish == .aggregator && plan(.layered).finish == .aggregator)
        #expect(plan(.debate, rounds: 3).finalSlots == (0..<3).map { Slot(round: 2, seat: $0) })
        #expect(plan(.chain).finalSlots == [Slot(round: 2, seat: 2)])
        let settings = CollaborationSpec(finish: .vote)
        #expect(settings.finish(for: .debate) == .vote && settings.finish(for: .chain) == .last, "a finish a mode cannot take is ignored")
    }

    @Test func thePlannerMakesOneCallPerAgentPerRoundAndOneAggregatorCall() {
        var decision = Decision(
            instanceID: "q",
            skills: [],
            role: nil,
            recruitment: Recruitment(team: ["e0", "e1", "e2"], scores: [], usedStrengthFallback: false),
            aggregator: "judge",
            seed: 1
        )
        #expect(decision.plan.mode == .ensemble && decision.plan.agents.count == 3, "a decision stored before modes is an ensemble")
        decision.collaboration = plan(.debate, rounds: 2)
        #expect(Planner.agentCalls(for: decision).count == 6)
        #expect(Planner.calls(for: decision, round: 1).allSatisfy { $0.round == 1 && $0.mode == .debate && $0.stage == .expert })
        #expect(Planner.aggregatorCalls(for: decision).map(\.expert) == ["judge"])
        decision.collaboration = plan(.reflection, rounds: 1)
        #expect(Planner.aggregatorCalls(for: decision).isEmpty)
        #expect(Planner.finalCalls(for: decision).map(\.round) == [2])
    }

    @Test func votesGoToTheMostCommonAnswerAndTiesToTheFirstSeat() {
        #expect(AnswerVote.winner(["B", nil, "C", "C"]) == 2)
        #expect(AnswerVote.winner(["B", "C"]) == 0)
        #expect(AnswerVote.winner([nil, nil]) == nil)
        #expect(AnswerVote.winner([]) == nil)
    }
}

/// Roles per seat, and the expert per role.
@Suite struct RoleAllocationTests {
    let registry = Registry(
        experts: [
            Fixtures.expert("bio", skills: ["biology": 5, "algebra": 1]),
            Fixtures.expert("math", skills: ["algebra": 5, "geometry": 4]),
        ],
        skills: Fixtures.skills,
        roles: [
            Role(name: "Biologist", domain: "science", instructions: "Think like a biologist.", skills: ["biology"]),
            Role(name: "Mathematician", domain: "mathematics", instructions: "Think like a mathematician.", skills: ["algebra", "geometry"]),
        ]
    )

    @Test func rolesSharingMoreSkillsComeFirstAndSeatsTakeThemInTurn() {
        #expect(
            RoleAllocation(registry: registry).roles(for: ["algebra", "geometry", "biology"], seats: 3) == [
                "Mathematician", "Biologist", "Mathematician",
            ]
        )
        #expect(RoleAllocation(registry: registry).roles(for: ["biology", "biology"], seats: 2) == ["Biologist", "Biologist"])
        #expect(RoleAllocation(registry: registry).roles(for: ["number theory"], seats: 1) == ["Mathematician"], "no overlap: the domain's role")
        #expect(RoleAllocation(registry: registry).roles(for: [], seats: 2) == [nil, nil])
    }

    @Test func eachSeatTakesTheStrongestRemainingExpertForItsRole() {
        let agents = RoleAllocation(registry: registry).agents(team: ["bio", "math"], roles: ["Mathematician", "Biologist"])
        #expect(agents == [Agent(seat: 0, expert: "math", role: "Mathematician"), Agent(seat: 1, expert: "bio", role: "Biologist")])
        let same = RoleAllocation(registry: registry).agents(team: ["bio", "bio"], roles: ["Mathematician", nil])
        #expect(same.map(\.expert) == ["bio", "bio"])
    }

    @Test func theDecisionRunsTheCascadeModeAgentsRolesExperts() {
        let spec = CollaborationSpec(mode: .reflection, rounds: 1)
        let decider = DecisionMaker(registry: registry, k: 3, strategy: .topK, collaboration: spec, aggregator: "math", seed: 1)
        let decision = decider.decide(for: Instance(id: "q", text: "Solve the equation for the cell count"))
        let plan = decision.plan
        #expect(plan.mode == .reflection && plan.agents.count == 2, "reflection seats a solver and a critic")
        #expect(Set(plan.agents.compactMap(\.role)) == ["Biologist", "Mathematician"])
        #expect(decision.recruitment.team == plan.team)
        #expect(decision.recruitment.scores.map(\.seats).reduce(0, +) == 2)
        #expect(decision.modeChoice?.source == .pipeline)
    }
}

/// What each turn's prompt holds: the earlier answers, delimited and attributed, and what the turn asks.
@Suite struct TurnPromptTests {
    let expert = Fixtures.expert("e", skills: [:])
    let instance = Instance(id: "q", text: "What is 2 + 2?", choices: ["3", "4"])
    let role = Role(name: "Mathematician", domain: "mathematics", instructions: "Think like a mathematician.")

    @Test func aFirstTurnIsThePlainExpertPrompt() {
        #expect(
            Prompts.agent(instance: instance, turn: .answer, seat: 0, role: role, expert: expert, inputs: [])
                == Prompts.expert(instance: instance, role: role, expert: expert)
        )
    }

    @Test func laterTurnsShowEachAnswerDelimitedAndAttributed() throws {
        let inputs = [
            Contribution(round: 0, seat: 0, role: "Mathematician", text: "The answer is (B) 4."),
            Contribution(round: 0, seat: 1, role: "Biologist", text: "  The answer is (A) 3.\n"),
        ]
        let messages = Prompts.agent(instance: instance, turn: .debate, seat: 0, role: role, expert: expert, inputs: inputs)
        #expect(messages.first?.role == .system && messages.first?.content.contains("Think like a mathematician.") == true)
        let text = try #require(messages.last?.content)
        #expect(text.contains("<answer from=\"your own answer\">\nThe answer is (B) 4.\n</answer>"))
        #expect(text.contains("<answer from=\"agent 2 (Biologist)\">\nThe answer is (A) 3.\n</answer>"))
        #expect(text.contains("In the previous round") && text.contains("give your updated answer"))
        #expect(text.hasPrefix("Question: What is 2 + 2?") && text.hasSuffix("starting with \"The answer is\"."))
    }

    @Test func eachTurnAsksForItsOwnThing() {
        let input = [Contribution(round: 0, seat: 0, role: nil, text: "x")]
        func text(_ turn: Turn) -> String {
            Prompts.agent(instance: instance, turn: turn, seat: 1, role: nil, expert: expert, inputs: input).last?.content ?? ""
        }
        #expect(text(.critique).contains("do not simply agree") && text(.critique).contains("<answer from=\"agent 1\">"))
        #expect(text(.revise).contains("critic reviewed your answer"))
        #expect(text(.refine).contains("previous agent in the chain"))
        #expect(text(.layer).contains("previous layer"))
    }
}
