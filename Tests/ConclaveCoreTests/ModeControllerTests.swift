import ConclaveCore
import ConclaveTesting
import Testing

/// The mode controller: exploration's probabilities, the learner recovering a planted preference, and
/// the decision maker's cascade with a policy.
@Suite struct ModeControllerTests {
    /// Success rates planted per skill and mode: debate is best on anatomy, ensemble on algebra, single
    /// worst everywhere.
    static let planted: [String: [CollaborationMode: Double]] = [
        "anatomy": [.debate: 0.8, .ensemble: 0.4, .single: 0.2],
        "algebra": [.debate: 0.3, .ensemble: 0.8, .single: 0.2],
    ]

    /// A run over `count` instances exploring around `preferred` with ε, outcomes drawn from `planted`.
    static func log(count: Int, epsilon: Double, preferred: CollaborationMode = .ensemble, seed: UInt64) -> [LoggedInstance] {
        let exploration = ModeExploration(epsilon: epsilon, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1)
        return (0..<count).map { index in
            let id = "q\(index)"
            let skill = index % 2 == 0 ? "anatomy" : "algebra"
            let drawn = exploration.choose(preferred: preferred, instanceID: id)
            let rate = planted[skill]?[drawn.mode] ?? 0.1
            return LoggedInstance(
                id: id,
                skills: [skill],
                mode: drawn.mode,
                probability: drawn.probability,
                correct: Double.random(in: 0..<1, using: &rng) < rate,
                cost: drawn.mode == .debate ? 3 : 1
            )
        }
    }

    @Test func explorationDrawsItsShareAndSaysEachChoicesProbability() {
        let exploration = ModeExploration(epsilon: 0.3, seed: 7)
        let draws = (0..<20_000).map { exploration.choose(preferred: .ensemble, instanceID: "q\($0)") }
        let kept = Double(draws.filter { $0.mode == .ensemble }.count) / Double(draws.count)
        #expect(abs(kept - (0.7 + 0.3 / 6)) < 0.015, "\(kept)")
        #expect(draws.allSatisfy { $0.probability == exploration.probability(of: $0.mode, preferred: .ensemble) })
        #expect(exploration.choose(preferred: .ensemble, instanceID: "q1") == exploration.choose(preferred: .ensemble, instanceID: "q1"))
        let none = ModeExploration(epsilon: 0, seed: 7).choose(preferred: .chain, instanceID: "x")
        #expect(none.mode == .chain && none.probability == 1 && !none.explored)
    }

    @Test func theLearnerRecoversAPlantedPreferencePerSkill() {
        let logs = Self.log(count: 4000, epsilon: 0.5, seed: 3)
        let policy = ModeLearner(priorStrength: 5).fit(logs, lambda: 0)
        #expect(policy.choose(for: ["anatomy"]) == .debate)
        #expect(policy.choose(for: ["algebra"]) == .ensemble)
        let anatomy = policy.skills["anatomy"]?[.debate]?.success ?? 0
        #expect(abs(anatomy - 0.8) < 0.08, "\(anatomy)")
        // A skill never logged falls back to each mode's overall success.
        let unseen = policy.options(for: ["geology"])
        #expect(unseen.first { $0.mode == .debate }?.success == policy.modes[.debate]?.success)
        // Cost counts: at λ = 0.3 debate scores 0.8 − 0.3 × 3 = −0.1 on anatomy, ensemble 0.4 − 0.3 × 1 = 0.1.
        #expect(ModeLearner(priorStrength: 5).fit(logs, lambda: 0.3).choose(for: ["anatomy"]) == .ensemble)
    }

    @Test func aPriorKeepsAFewLuckyLogsFromDecidingAlone() {
        let logs =
            [LoggedInstance(id: "a", skills: ["rare"], mode: .chain, probability: 1, correct: true, cost: 1)]
            + (0..<50).map { LoggedInstance(id: "e\($0)", skills: ["rare"], mode: .ensemble, probability: 1, correct: $0 % 2 == 0, cost: 1) }
        let shrunk = ModeLearner(priorStrength: 5).fit(logs, lambda: 0)
        #expect((shrunk.skills["rare"]?[.chain]?.success ?? 1) < 0.7, "one right answer moves chain only part of the way")
        let raw = ModeLearner(priorStrength: 0).fit(logs, lambda: 0)
        #expect(raw.skills["rare"]?[.chain]?.success == 1)
    }

    @Test func aPolicyChoosesTheModeUnlessTheModeIsPinnedAndExplorationIsLogged() {
        let registry = Registry(experts: [Fixtures.expert("a", skills: ["biology": 3])], skills: Fixtures.skills, roles: [])
        let policy = ModeLearner().fit(
            Self.log(count: 2000, epsilon: 0.5, seed: 5).map {
                var log = $0
                log.skills = log.skills.map { $0 == "anatomy" ? "biology" : $0 }
                return log
            },
            lambda: 0
        )
        let decider = DecisionMaker(registry: registry, k: 2, strategy: .topK, modePolicy: policy, aggregator: "a", seed: 1)
        let decision = decider.decide(for: Instance(id: "q", text: "How does a cell divide?"))
        #expect(decision.plan.mode == .debate && decision.modeChoice?.source == .policy)
        #expect(decision.modeChoice?.options.first?.mode == .debate && (decision.modeChoice?.options.count ?? 0) >= 3)
        let pinned = DecisionMaker(
            registry: registry,
            k: 2,
            strategy: .topK,
            collaboration: CollaborationSpec(mode: .single, pinned: true),
            modePolicy: policy,
            aggregator: "a",
            seed: 1
        )
        #expect(pinned.decide(for: Instance(id: "q", text: "How does a cell divide?")).plan.mode == .single)
        let exploring = DecisionMaker(
            registry: registry,
            k: 2,
            strategy: .topK,
            collaboration: CollaborationSpec(explore: 1),
            aggregator: "a",
            seed: 1
        )
        let choices = (0..<60).compactMap { exploring.decide(for: Instance(id: "q\($0)", text: "A cell")).modeChoice }
        #expect(Set(choices.map(\.mode)).count == CollaborationMode.allCases.count, "every mode gets explored")
        #expect(choices.allSatisfy { $0.probability > 0 && $0.probability < 1 })
    }
}
