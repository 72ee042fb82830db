import ConclaveConfig
import ConclaveCore
import ConclaveStore
import Foundation
import Testing

/// `conclave profile` end to end: every shipped expert on real llama-servers over quickstart questions,
/// profiles checked against a regrading of the stored answers, the YAML export, `profile show`, and a
/// resumed profiling run that makes no new call.
@Suite(.serialized) struct ProfileCommandTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-profile-\(UUID().uuidString)")

    func profile(_ extra: [String]) async throws -> CLIProcess {
        let cli = try CLIProcess(
            [
                "profile", "examples/quickstart/pipeline.yaml", "--dataset", "examples/quickstart/questions.jsonl",
                "--limit", "4", "--aggregator-cases", "2",
                "--run-id", "p1", "--out", scratch.appendingPathComponent("run").path,
                "--export", scratch.appendingPathComponent("profiles").path,
                "--store", scratch.appendingPathComponent("store.sqlite").path,
            ] + extra
        )
        let status = await cli.wait(seconds: 600)
        #expect(status == 0, "\(cli.errors)")
        return cli
    }

    @Test func profilesSumToCorrectMinusWrongPerSkillAndAreVersioned() async throws {
        let first = try await profile([])
        #expect(first.output.contains("aggregator benchmark: 2 cases of 3 answers"), "\(first.output)")
        #expect(first.output.contains("check: every per-skill score equals correct − wrong"), "\(first.output)")
        let storePath = scratch.appendingPathComponent("store.sqlite").path
        let store = try SQLiteRunStore(path: storePath)
        let experts = ["gemma3-base", "smollm2-generalist", "smollm2-judge", "smollm2-mathematician"]

        // Regrade every stored answer against the dataset and tally correct and wrong per expert and skill.
        var instances: [String: Instance] = [:]
        for case .instance(let instance) in try DatasetReader(
            url: CLIProcess.repository.appendingPathComponent("examples/quickstart/questions.jsonl")
        ).rows() {
            instances[instance.id] = instance
        }
        var tally: [String: [String: (correct: Int, wrong: Int)]] = [:]
        let grader = Grader(kind: .multipleChoice)
        var results = 0
        try store.forEachResult(run: "p1") { result in
            results += 1
            #expect(Set(result.experts) == Set(experts) && result.aggregation == nil)
            let instance = try #require(instances[result.id])
            for response in result.responses {
                let text = try #require(response.text, "call failed: \(response.error ?? "")")
                let right = grader.isCorrect(grader.extract(from: text, for: instance), gold: instance.gold!)
                for skill in result.skills {
                    var entry = tally[response.expert, default: [:]][skill, default: (0, 0)]
                    if right { entry.correct += 1 } else { entry.wrong += 1 }
                    tally[response.expert, default: [:]][skill] = entry
                }
            }
        }
        #expect(results == 4)
        for expert in experts {
            let record = try #require(try store.profiles(expert: expert).first)
            #expect(record.version == 1 && record.questions == 4 && record.failedCalls == 0)
            let expected = tally[expert] ?? [:]
            #expect(record.profile.skills == expected.mapValues { Double($0.correct - $0.wrong) }, "\(expert)")
            #expect(record.profile.answered == expected.mapValues { $0.correct + $0.wrong }, "\(expert)")
            #expect(record.profile.strength == record.profile.skills.values.reduce(0, +))
            #expect(
                (0...1).contains(record.profile.aggregatorScore)
                    && record.profile.aggregatorScore * 2 == (record.profile.aggregatorScore * 2).rounded(),
                "two aggregator cases give a score of 0, 0.5 or 1"
            )
            // The exported file reads back as the same profile.
            let yaml = try String(contentsOf: scratch.appendingPathComponent("profiles/\(expert).yaml"), encoding: .utf8)
            #expect(yaml.contains("expert: \"\(expert)\"") && yaml.contains("version: 1"))
        }

        let show = try CLIProcess(["profile", "show", "smollm2-judge", "--store", storePath, "--json"])
        #expect(await show.wait(seconds: 30) == 0, "\(show.errors)")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.output.utf8)) as? [String: Any])
        #expect(shown["expert"] as? String == "smollm2-judge" && shown["version"] as? Int == 1)
        let missing = try CLIProcess(["profile", "show", "nobody", "--store", storePath])
        #expect(await missing.wait(seconds: 30) == 2, "an unknown expert is bad input")
        #expect(missing.errors.contains("no measured profile of expert 'nobody'"))

        // Resuming the same run calls no model again (every call is stored) and saves version 2.
        let calls = try store.calls(run: "p1", instance: "math-01").count
        let second = try await profile([])
        #expect(second.errors.contains("4 instances already answered"), "\(second.errors)")
        #expect(try store.calls(run: "p1", instance: "math-01").count == calls)
        #expect(try store.profiles(expert: "gemma3-base").map(\.version) == [2, 1])

        // A pipeline that references the exported profiles validates and uses them.
        let pipeline = try String(contentsOf: CLIProcess.repository.appendingPathComponent("examples/quickstart/pipeline.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "agents: ../../Agents", with: "agents: \(CLIProcess.repository.path)/Agents")
            .replacingOccurrences(of: "skills: ../../Skills", with: "skills: \(CLIProcess.repository.path)/Skills\n  profiles: profiles")
            .replacingOccurrences(of: "dataset: questions.jsonl", with: "dataset: \(CLIProcess.repository.path)/examples/quickstart/questions.jsonl")
        try pipeline.write(to: scratch.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        let loaded = try ConfigLoader.loadPipeline(scratch.appendingPathComponent("pipeline.yaml").path)
        #expect(loaded.registry.expert("gemma3-base")?.profile == (try store.profiles(expert: "gemma3-base").first?.profile))
    }
}
