import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Synchronization
import Testing

/// One request answered the way the OpenAI-compatible endpoint answers it, against scripted experts and a
/// real SQLite store: nothing of it is in the store while its calls run, everything (decision, calls,
/// result) is once the answer returns, and the decision handed back is the one stored.
@Suite struct InstanceAnswererTests {
    @Test func aRequestIsWrittenWholeOnceAnsweredAndItsDecisionComesBack() async throws {
        let workspace = try TemporaryWorkspace(prefix: "conclave-answerer")
        try workspace.write("Skills/s.yaml", "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\n")
        for id in ["a", "b", "c", "judge"] { try workspace.writeRemoteExpert(id, skills: ["geography": 1], maxConcurrency: 4) }
        try workspace.write("data.jsonl", "{\"question\": \"What is the capital of France?\"}\n")
        try workspace.write(
            "pipeline.yaml",
            "name: team\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\nrecruiter: { strategy: top-k, k: 3 }\naggregator: { expert: judge }\n"
        )
        let store = try SQLiteRunStore(path: workspace.path("runs.sqlite"))
        let instance = Instance(id: "chatcmpl-1", text: "What is the capital of France?")
        // What the store held of the request when the aggregator was called: its calls, and its decision.
        let seenByJudge = Mutex<(calls: Int, decided: Bool)?>(nil)
        let connector = ScriptedConnector { expert, _ in
            if expert.id == "judge" {
                let calls = try store.calls(run: "gateway-team", instance: instance.id).count
                let decided = try store.decisions(run: "gateway-team", instances: [instance.id])[instance.id] != nil
                seenByJudge.withLock { $0 = (calls, decided) }
            }
            return ChatCompletion(text: "The answer is Paris.", inputTokens: 10, outputTokens: 5)
        }
        let answerer = InstanceAnswerer(
            pipeline: try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml")),
            connector: connector,
            store: store,
            runID: "gateway-team"
        )

        let answered = try await answerer.answer(instance)

        let seen = try #require(seenByJudge.withLock { $0 })
        #expect(seen.calls == 0 && !seen.decided, "three agents had answered, but nothing is written before the request is done")
        #expect(answered.result.finalAnswer == "The answer is Paris.")
        #expect(answered.decision.recruitment.team.count == 3)
        #expect(try store.decisions(run: "gateway-team", instances: [instance.id])[instance.id] == answered.decision)
        #expect(try store.calls(run: "gateway-team", instance: instance.id).count == 4)
        #expect(try store.result(run: "gateway-team", instance: instance.id) == answered.result)
    }
}
