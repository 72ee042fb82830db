import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Synchronization
import Testing

/// Unit tests of the engine: real pipelines from YAML, run against scripted experts and the in-memory
/// store, so failures, retries and resumption are checked without a model (they run in `--unit`).
@Suite struct ScriptedRunTests {
    let workspace: TemporaryWorkspace

    init() throws {
        workspace = try TemporaryWorkspace(prefix: "conclave-scripted")
        try workspace.write(
            "Skills/s.yaml",
            "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\nroles:\n  - name: Judge\n    instructions: Pick.\n"
        )
        for (id, score) in [("good", 5), ("flaky", 4), ("judge", 1)] {
            try workspace.write(
                "Agents/\(id).yaml",
                """
                id: \(id)
                description: \(id)
                runtime: { kind: openai, model: \(id), base_url: "http://127.0.0.1:9/v1" }
                price: { input_per_million: 1, output_per_million: 2 }
                context_window: 1024
                profile: { skills: { geography: \(score) } }
                """
            )
        }
        try workspace.write(
            "data.jsonl",
            """
            {"id": "fr", "question": "What is the capital of France?", "choices": ["Paris", "Rome"], "answer": "A"}
            {"id": "it", "question": "What is the capital of Italy?", "choices": ["Paris", "Rome"], "answer": "B"}
            {"id": "es", "question": "What is the capital of Spain?", "choices": ["Madrid", "Rome"], "answer": "A"}

            """
        )
        try workspace.write(
            "pipeline.yaml",
            "name: scripted\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\nrecruiter: { strategy: top-k, k: 2 }\naggregator: { expert: judge, role: Judge }\n"
        )
    }

    /// Answers with the gold letter of the question in the prompt; `flaky` fails while `flakyFails` is set.
    final class Script: Sendable {
        let flakyFails = Mutex(true)
        let requests = Mutex<[String: Int]>([:])

        func answer(_ expert: Expert, _ request: ChatRequest) throws -> ChatCompletion {
            requests.withLock { $0[expert.id, default: 0] += 1 }
            if expert.id == "flaky", flakyFails.withLock({ $0 }) {
                throw LLMError.exhausted(attempts: 3, last: .http(status: 503, body: "overloaded"))
            }
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            let letter = prompt.contains("Italy") ? "B" : "A"
            return ChatCompletion(text: "The answer is (\(letter)).", inputTokens: 10, outputTokens: 5)
        }
    }

    func run(_ script: Script, store: InMemoryRunStore, observer: RecordingObserver = RecordingObserver()) async throws -> RunSummary {
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        let connector = ScriptedConnector { expert, request in try script.answer(expert, request) }
        let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: observer)
        return try await runner.run(RunOptions(runID: "r1", outputDirectory: workspace.url("out")))
    }

    @Test func aFailingExpertIsRecordedAndTheRunGoesOn() async throws {
        let store = InMemoryRunStore()
        let observer = RecordingObserver()
        let summary = try await run(Script(), store: store, observer: observer)
        #expect(summary.instances == 3 && summary.answered == 3 && summary.correct == 3)
        #expect(summary.failedCalls == 3, "flaky failed once per instance")
        #expect(observer.stages == [.expert, .aggregator])
        let failed = try #require(try store.calls(run: "r1", instance: "fr").first { $0.record.expert == "flaky" })
        #expect(failed.record.attempts == 3)
        #expect(failed.record.error?.contains("HTTP 503") == true)
        let lines = try String(contentsOf: workspace.url("out/results.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
    }

    @Test func aResumedRunSendsOnlyTheCallsThatFailed() async throws {
        let store = InMemoryRunStore()
        let script = Script()
        _ = try await run(script, store: store)
        let first = script.requests.withLock { $0 }
        #expect(first == ["good": 3, "flaky": 3, "judge": 3])
        script.flakyFails.withLock { $0 = false }
        let again = try await run(script, store: store)
        let added = script.requests.withLock { $0 }.merging(first) { now, before in now - before }
        #expect(added["good"] == 0 && added["judge"] == 0, "answered instances are not asked again: \(added)")
        #expect(again.answered == 3)
        #expect(try store.run("r1")?.status == .completed)
    }

    @Test func aStopBeforeTheFirstCallSavesNothingAndSaysSo() async throws {
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        let script = Script()
        let stop = StopSignal()
        stop.request()
        let runner = Runner(
            pipeline: pipeline,
            dataset: pipeline.datasetReader,
            connector: ScriptedConnector { try script.answer($0, $1) },
            store: InMemoryRunStore(),
            observer: SilentObserver()
        )
        await #expect(throws: RunStopped.self) {
            _ = try await runner.run(RunOptions(runID: "r1", outputDirectory: workspace.url("out"), stop: stop))
        }
        #expect(script.requests.withLock { $0.isEmpty })
    }
}
