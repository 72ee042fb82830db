import ConclaveCore
import ConclaveTesting
import Testing

/// The `learned` strategy in a decision: recorded outcomes on similar questions, not the profiles, pick
/// the expert, and the reason says so.
@Suite struct LearnedDecisionTests {
    /// `chem` was right on every recorded chemistry question, `hist` on every history question; their
    /// profiles say the opposite.
    let registry = Registry(
        experts: [Fixtures.expert("chem", skills: ["algebra": -5]), Fixtures.expert("hist", skills: ["algebra": 5])],
        skills: Fixtures.skills,
        roles: []
    )

    func learned() -> LearnedRouting {
        var questions: [String] = []
        var scores: [[Double]] = []
        for index in 0..<30 {
            let chemistry = index % 2 == 0
            questions.append(chemistry ? "chemistry acid reaction case \(index)" : "history empire treaty case \(index)")
            scores.append(chemistry ? [1, 0] : [0, 1])
        }
        return LearnedRouting(questions: questions, scores: scores, neighbors: 5)
    }

    @Test func recordedOutcomesOnSimilarQuestionsPickTheExpert() {
        let maker = DecisionMaker(registry: registry, k: 1, strategy: .learned, learned: learned(), aggregator: "chem", seed: 1)
        let chemistry = maker.decide(for: Instance(id: "q1", text: "Which acid starts this reaction?"))
        #expect(chemistry.recruitment.team == ["chem"])
        let reason = chemistry.recruitment.scores.first { $0.expert == "chem" }?.reason ?? ""
        #expect(reason.hasPrefix("recruited for 1 of 1 seats: predicted success 1 on similar recorded questions"), "\(reason)")
        let history = maker.decide(for: Instance(id: "q2", text: "When did the empire sign the treaty?"))
        #expect(history.recruitment.team == ["hist"])
    }

    @Test func withoutRecordedOutcomesItRanksLikeCostAware() {
        let maker = DecisionMaker(registry: registry, k: 1, strategy: .learned, aggregator: "chem", seed: 1)
        #expect(maker.learned == nil)
        #expect(maker.decide(for: Instance(id: "q", text: "Solve the equation")).recruitment.team.count == 1)
    }
}
