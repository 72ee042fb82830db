import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Testing

/// Runs real pipelines on the real local SmolLM2 model, with one expert pointed at a closed port.
@Suite(.serialized) struct RunnerTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-engine-\(UUID().uuidString)")

    func expert(_ id: String, runtime: String, skills: String) -> String {
        """
        id: \(id)
        description: \(id)
        runtime:
        \(runtime)
        price: { input_per_million: 1.0, output_per_million: 2.0 }
        context_window: 1024
        max_concurrency: 2
        timeout_seconds: 30
        sampling: { temperature: 0, max_tokens: 16 }
        profile: { skills: \(skills) }
        """
    }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A registry with a real SmolLM2 expert and a dead remote one, and a three-question dataset whose
    /// second data line is broken.
    func makePipeline(aggregator: String, k: Int) throws -> LoadedPipeline {
        let deadPort = try FreePort.loopback()
        try write(
            "Skills/s.yaml",
            "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\nroles:\n  - name: Judge\n    instructions: Pick the best answer.\n"
        )
        try write(
            "Agents/smol.yaml",
            expert("smol", runtime: "  kind: llama.cpp\n  model: ${CONCLAVE_MODELS}/smollm2-135m-instruct-q4_1.gguf", skills: "{ geography: 1 }")
        )
        try write(
            "Agents/dead.yaml",
            expert("dead", runtime: "  kind: openai\n  model: m\n  base_url: http://127.0.0.1:\(deadPort)/v1", skills: "{ geography: 5 }")
        )
        try write(
            "data.jsonl",
            """
            {"id": "fr", "question": "What is the capital of France?", "choices": ["Paris", "Rome"], "answer": "A"}
            {"id": broken
            {"id": "it", "question": "What is the capital of Italy?", "choices": ["Paris", "Rome"], "answer": "B"}
            """
        )
        try write(
            "pipeline.yaml",
            """
            name: failure-isolation
            registry: { agents: Agents, skills: Skills }
            dataset: data.jsonl
            recruiter: { strategy: top-k, k: \(k) }
            aggregator: { expert: \(aggregator), role: Judge }
            """
        )
        return try ConfigLoader.loadPipeline(root.appendingPathComponent("pipeline.yaml").path)
    }

    func run(_ pipeline: LoadedPipeline, observer: RecordingObserver) async throws -> RunSummary {
        let connector = try LiveConnector(
            registry: pipeline.registry,
            environment: .current(),
            logDirectory: root.appendingPathComponent("logs"),
            connectTimeout: .seconds(2)
        )
        let store = try SQLiteRunStore(path: root.appendingPathComponent("store.sqlite").path)
        let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: observer)
        let summary: RunSummary
        do { summary = try await runner.run(RunOptions(runID: "test", outputDirectory: root.appendingPathComponent("out"))) } catch {
            await connector.shutdown()
            throw error
        }
        await connector.shutdown()
        return summary
    }

    func results() throws -> [[String: Any]] {
        let text = try String(contentsOf: root.appendingPathComponent("out/results.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func aDeadExpertIsRecordedAsFailedAndTheRunGoesOn() async throws {
        let observer = RecordingObserver()
        let summary = try await run(try makePipeline(aggregator: "smol", k: 2), observer: observer)
        #expect(summary.instances == 2)
        #expect(summary.skippedRows == 1)
        #expect(observer.skippedLines == [2])
        #expect(summary.answered == 2 && summary.failed == 0)
        #expect(summary.calls == 6)  // 2 instances × (2 experts + aggregator)
        #expect(summary.failedCalls == 2)
        #expect(summary.modelLoads == 1)
        #expect(observer.stages == [.expert, .aggregator])
        let failed = observer.calls.filter { $0.error != nil }
        #expect(failed.map(\.expert) == ["dead", "dead"])
        #expect(failed.allSatisfy { $0.error!.contains("connection error") && $0.attempts == 3 })
        let lines = try results()
        #expect(lines.map { $0["id"] as? String } == ["fr", "it"])
        #expect(lines.allSatisfy { ($0["status"] as? String) == "answered" && $0["final_answer"] is String })
    }

    @Test func anInstanceWhoseCallsAllFailIsMarkedFailedWithTheReason() async throws {
        let observer = RecordingObserver()
        let summary = try await run(try makePipeline(aggregator: "dead", k: 1), observer: observer)
        #expect(summary.failed == 2 && summary.answered == 0)
        #expect(summary.graded == 2 && summary.correct == 0)
        let lines = try results()
        #expect(lines.allSatisfy { ($0["status"] as? String) == "failed" })
        #expect(lines.allSatisfy { ($0["failure_reason"] as? String)?.hasPrefix("all 1 expert calls failed") == true })
    }
}
