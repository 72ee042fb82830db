import ConclaveCore
import ConclaveEvaluation
import Testing

/// The inverse-propensity estimate of a mode policy's value.
@Suite struct PolicyValueTests {
    /// Success per mode for every instance (one skill, so the true value of "always m" is the rate of m).
    static let rates: [CollaborationMode: Double] = [.single: 0.2, .ensemble: 0.5, .debate: 0.7, .reflection: 0.4, .chain: 0.3, .layered: 0.6]

    static func log(count: Int, epsilon: Double, seed: UInt64) -> [LoggedInstance] {
        let exploration = ModeExploration(epsilon: epsilon, seed: seed)
        var rng = SeededGenerator(seed: seed ^ 0xABCDEF)
        return (0..<count).map { index in
            let drawn = exploration.choose(preferred: .ensemble, instanceID: "q\(index)")
            let correct = Double.random(in: 0..<1, using: &rng) < (rates[drawn.mode] ?? 0)
            return LoggedInstance(id: "q\(index)", skills: ["s"], mode: drawn.mode, probability: drawn.probability, correct: correct, cost: 1)
        }
    }

    @Test func theEstimateIsUnbiasedOnASyntheticLog() {
        // 400 logs of 200 instances, logged around ensemble with ε = 0.4: the mean estimate of "always
        // debate" (rarely logged) and of "always ensemble" must sit on the true rates.
        for (mode, truth) in [(CollaborationMode.debate, 0.7), (.ensemble, 0.5), (.single, 0.2)] {
            let estimates = (0..<400).map { seed in
                PolicyValue.contributions(Self.log(count: 200, epsilon: 0.4, seed: UInt64(seed))) { _ in mode }.success
            }
            .map { $0.reduce(0, +) / Double($0.count) }
            let mean = estimates.reduce(0, +) / Double(estimates.count)
            let spread = (estimates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(estimates.count - 1)).squareRoot()
            let standardError = spread / Double(estimates.count).squareRoot()
            #expect(abs(mean - truth) < 4 * standardError + 0.005, "\(mode): mean \(mean), truth \(truth), se \(standardError)")
        }
    }

    @Test func oneRunPinnedToEachModeGivesEveryPolicyItsExactValue() {
        let ids = (0..<10).map { "q\($0)" }
        var logs: [LoggedInstance] = []
        for mode in [CollaborationMode.single, .debate] {
            for (index, id) in ids.enumerated() {
                logs.append(
                    LoggedInstance(
                        id: id,
                        skills: [index < 5 ? "a" : "b"],
                        mode: mode,
                        probability: 1,
                        correct: (mode == .debate) == (index < 5),
                        cost: mode == .debate ? 3 : 1
                    )
                )
            }
        }
        let oracle = PolicyValue.estimate(logs) { $0.skills == ["a"] ? .debate : .single }
        #expect(oracle.success.mean == 1 && oracle.instances == 10 && oracle.matched == 10)
        #expect(oracle.cost.mean == 2)
        let wrong = PolicyValue.estimate(logs) { $0.skills == ["a"] ? .single : .debate }
        #expect(wrong.success.mean == 0)
        #expect(PolicyValue.estimate(logs) { _ in .chain }.success.mean == 0, "a mode never logged scores nothing, visibly (matched 0)")
        #expect(oracle.success.interval?.contains(1) == true)
    }
}
