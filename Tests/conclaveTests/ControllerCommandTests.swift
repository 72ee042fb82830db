import Foundation
import Testing

/// The mode controller through the real CLI on the local models: a run that explores logs each choice's
/// probability; train-controller learns a policy from it that a pipeline can use; eval-controller judges
/// it against fixed modes on held-out instances; bad inputs are named.
@Suite(.serialized) struct ControllerCommandTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-controller-\(UUID().uuidString)")

    /// The quickstart pipeline, copied next to the test's files with its paths made absolute, choosing the
    /// mode by the policy file `policy` beside it.
    func writeQuickstartPipeline(policy: String) throws {
        let repository = FileManager.default.currentDirectoryPath
        let pipeline =
            try String(contentsOfFile: "examples/quickstart/pipeline.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../../", with: repository + "/")
            .replacingOccurrences(of: "dataset: questions.jsonl", with: "dataset: \(repository)/examples/quickstart/questions.jsonl")
            + "collaboration: { policy: \(policy) }\n"
        try pipeline.write(to: root.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func exploreTrainUseAndEvaluateAPolicy() async throws {
        let store = root.appendingPathComponent("store.sqlite").path
        let run = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--limit", "6", "--explore", "1", "--run-id", "explore", "--json", "--store", store,
            "--out", root.appendingPathComponent("out").path,
        ])
        #expect(await run.wait(seconds: 600) == 0, "\(run.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)")
        #expect((summary["modes"] as? [[String: Any]])?.count ?? 0 >= 2, "exploring every instance runs several modes")

        let shown = try CLIProcess(["decisions", "show", "explore", "math-02", "--store", store])
        #expect(await shown.wait(seconds: 60) == 0, "\(shown.errors)")
        #expect(shown.output.contains("probability"), "an explored choice shows its probability: \(shown.output)")

        let policy = root.appendingPathComponent("modes.yaml")
        let train = try CLIProcess(["train-controller", "--runs", "explore", "--out", policy.path, "--store", store])
        #expect(await train.wait(seconds: 60) == 0, "\(train.errors)")
        #expect(train.output.contains("learned from 6 graded instances"))
        let text = try String(contentsOf: policy, encoding: .utf8)
        #expect(text.contains("kind: mode-policy") && text.contains("trained_on: [\"explore\"]"))

        try writeQuickstartPipeline(policy: "modes.yaml")
        let explain = try CLIProcess(["explain", root.appendingPathComponent("pipeline.yaml").path, "--instance", "sci-03"])
        #expect(await explain.wait(seconds: 60) == 0, "\(explain.errors)")
        #expect(explain.output.contains("(chosen by the policy)") && explain.output.contains("option"), "\(explain.output)")

        let evaluate = try CLIProcess(["eval-controller", "--runs", "explore", "--holdout", "0.5", "--json", "--store", store])
        #expect(await evaluate.wait(seconds: 60) == 0, "\(evaluate.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.output.utf8)) as? [String: Any], "\(evaluate.output)")
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.first?["policy"] as? String == "learned")
        #expect(rows.contains { ($0["policy"] as? String)?.hasPrefix("always ") == true })
        #expect(rows.allSatisfy { ($0["accuracy"] as? Double).map { $0 >= 0 } == true })
    }

    @Test func unknownRunsAndBrokenPoliciesAreNamed() async throws {
        let store = root.appendingPathComponent("empty.sqlite").path
        let train = try CLIProcess(["train-controller", "--runs", "nope", "--out", root.appendingPathComponent("p.yaml").path, "--store", store])
        #expect(await train.wait(seconds: 60) == 2)
        #expect(train.errors.contains("no run 'nope'"))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let broken = root.appendingPathComponent("broken.yaml")
        try "kind: mode-policy\nmodes:\n  debat: { success: 0.5, cost: 0 }\n  single: { success: 2, cost: 0 }\n".write(
            to: broken,
            atomically: true,
            encoding: .utf8
        )
        try writeQuickstartPipeline(policy: "broken.yaml")
        let run = try CLIProcess(["run", root.appendingPathComponent("pipeline.yaml").path, "--limit", "1", "--store", store])
        #expect(await run.wait(seconds: 60) == 2)
        #expect(run.errors.contains("broken.yaml:3:3") && run.errors.contains("unknown mode 'debat'"), "\(run.errors)")
        #expect(run.errors.contains("broken.yaml:4:"), "success out of range is named: \(run.errors)")
        let both = try CLIProcess(["run", "examples/quickstart/pipeline.yaml", "--mode", "single", "--explore", "0.5"])
        #expect(await both.wait(seconds: 60) == 2)
        #expect(both.errors.contains("give --mode or --explore, not both"))
    }
}
