import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveEvaluation
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Testing

/// The runner over a replay of a small hand-made outcome matrix, with a real SQLite store: which expert
/// answers each question is known, so every result is known.
@Suite struct ReplayRunTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-replay-\(UUID().uuidString)")

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func expert(_ id: String, skills: String) -> String {
        """
        id: \(id)
        description: \(id)
        runtime: { kind: openai, model: \(id), base_url: "http://127.0.0.1:9/v1" }
        price: { input_per_million: 1.0, output_per_million: 1.0 }
        context_window: 1024
        profile: { skills: \(skills), aggregator_score: \(id == "judge" ? 1 : 0) }
        """
    }

    @Test func aReplayedRunGivesTheRecordedAnswers() async throws {
        // mathy is right on the algebra questions only, wordy on the history questions only; top-1
        // recruitment sends each question to the right one, so every answer is right.
        let questions = [
            "Solve the equation x + 1 = 2.", "Solve the equation 2x = 8.", "Who won the battle of Hastings in history?",
            "In history, when did Rome fall?",
        ]
        let matrix = OutcomeMatrix(
            models: [
                .init(name: "mathy", price: Price(inputPerMillion: 1, outputPerMillion: 1)),
                .init(name: "wordy", price: Price(inputPerMillion: 1, outputPerMillion: 1)),
            ],
            rows: questions.enumerated().map { .init(id: "q\($0)", question: $1, scores: $0 < 2 ? [1, 0] : [0, 1]) }
        )
        try write("Skills/s.yaml", "domain: d\nskills:\n  - name: algebra\n    aliases: [equation]\n  - name: history\n")
        try write("Agents/mathy.yaml", expert("mathy", skills: "{ algebra: 5, history: -5 }"))
        try write("Agents/wordy.yaml", expert("wordy", skills: "{ algebra: -5, history: 5 }"))
        try write("Agents/judge.yaml", expert("judge", skills: "{ algebra: 0 }"))
        try write(
            "data.jsonl",
            questions.enumerated().map { "{\"id\": \"q\($0)\", \"question\": \"\($1)\", \"answer\": \"A\"}" }.joined(separator: "\n")
        )
        try write(
            "pipeline.yaml",
            """
            name: replay
            registry: { agents: Agents, skills: Skills }
            dataset: data.jsonl
            recruiter: { strategy: top-k, k: 1 }
            """
        )
        let pipeline = try ConfigLoader.loadPipeline(root.appendingPathComponent("pipeline.yaml").path)
        #expect(pipeline.spec.aggregatorExpert == "judge", "the best aggregator score aggregates when none is pinned")
        let store = try SQLiteRunStore(path: root.appendingPathComponent("store.sqlite").path)
        let runner = Runner(
            pipeline: pipeline,
            dataset: pipeline.datasetReader,
            connector: ReplayConnector(outcomes: ReplayOutcomes(matrix)),
            store: store,
            observer: RecordingObserver()
        )
        let summary = try await runner.run(RunOptions(runID: "r", outputDirectory: root.appendingPathComponent("out")))
        #expect(summary.instances == 4 && summary.correct == 4 && summary.failedCalls == 0)
        try store.forEachResult(run: "r") { result in
            #expect(result.experts == [result.id < "q2" ? "mathy" : "wordy"])
            #expect(result.responses.map(\.text) == ["The answer is (A)."])
        }

        // The same run with the experts' profiles swapped recruits the wrong one every time.
        try write("Agents/mathy.yaml", expert("mathy", skills: "{ algebra: -5, history: 5 }"))
        try write("Agents/wordy.yaml", expert("wordy", skills: "{ algebra: 5, history: -5 }"))
        let swapped = try ConfigLoader.loadPipeline(root.appendingPathComponent("pipeline.yaml").path)
        let wrong = try await Runner(
            pipeline: swapped,
            dataset: swapped.datasetReader,
            connector: ReplayConnector(outcomes: ReplayOutcomes(matrix)),
            store: store,
            observer: RecordingObserver()
        ).run(RunOptions(runID: "w", outputDirectory: root.appendingPathComponent("w")))
        #expect(wrong.correct == 0 && wrong.graded == 4)
    }

    @Test func partialScoresAreSeededDrawsAndUnknownQuestionsAreErrors() async throws {
        let matrix = OutcomeMatrix(
            models: [.init(name: "m", price: Price(inputPerMillion: 0, outputPerMillion: 0))],
            rows: [.init(id: "q", question: "Half right?", scores: [0.5])]
        )
        let backend = ReplayBackend(outcomes: ReplayOutcomes(matrix))
        let expert = Expert(
            id: "m",
            description: "m",
            runtime: .openAI(baseURL: "http://x/v1", model: "m", apiKeyVariable: nil),
            price: Price(inputPerMillion: 0, outputPerMillion: 0),
            contextWindow: 512,
            maxConcurrency: 1,
            timeoutSeconds: 1,
            profile: Profile(skills: [:])
        )
        let messages = Prompts.expert(instance: Instance(id: "q", text: "Half right?"), role: nil, expert: expert)
        var right = 0
        for seed in 0..<400 as Range<UInt64> {
            let request = ChatRequest(model: "m", messages: messages, temperature: 0, maxTokens: 8, seed: seed)
            let answer = try await backend.complete(request).text
            #expect(try await backend.complete(request).text == answer, "same seed, same answer")
            if answer == "The answer is (A)." { right += 1 }
        }
        #expect((160...240).contains(right), "about half of 400 draws at score 0.5: \(right)")
        let unknown = Prompts.expert(instance: Instance(id: "x", text: "Never recorded?"), role: nil, expert: expert)
        await #expect(throws: LLMError.self) {
            try await backend.complete(ChatRequest(model: "m", messages: unknown, temperature: 0, maxTokens: 8, seed: 1))
        }
    }

    @Test func aRunIsNotResumedWithAnotherDatasetOrAVanishedExpert() async throws {
        let matrix = OutcomeMatrix(
            models: [.init(name: "mathy", price: Price(inputPerMillion: 1, outputPerMillion: 1))],
            rows: [.init(id: "q0", question: "Solve the equation x = 1.", scores: [1])]
        )
        try write("Skills/s.yaml", "domain: d\nskills:\n  - name: algebra\n    aliases: [equation]\n")
        try write("Agents/mathy.yaml", expert("mathy", skills: "{ algebra: 5 }"))
        try write("Agents/judge.yaml", expert("judge", skills: "{ algebra: 0 }"))
        try write("data.jsonl", "{\"id\": \"q0\", \"question\": \"Solve the equation x = 1.\", \"answer\": \"A\"}\n")
        try write("other.jsonl", "{\"id\": \"q0\", \"question\": \"Solve the equation x = 1.\", \"answer\": \"A\"}\n")
        for (file, dataset) in [("pipeline.yaml", "data.jsonl"), ("other.yaml", "other.jsonl")] {
            try write(file, "name: replay\nregistry: { agents: Agents, skills: Skills }\ndataset: \(dataset)\nrecruiter: { strategy: top-k, k: 1 }\n")
        }
        let store = try SQLiteRunStore(path: root.appendingPathComponent("store.sqlite").path)
        func runner(_ file: String) throws -> Runner {
            let pipeline = try ConfigLoader.loadPipeline(root.appendingPathComponent(file).path)
            return Runner(
                pipeline: pipeline,
                dataset: pipeline.datasetReader,
                connector: ReplayConnector(outcomes: ReplayOutcomes(matrix)),
                store: store,
                observer: RecordingObserver()
            )
        }
        _ = try await runner("pipeline.yaml").run(RunOptions(runID: "r", outputDirectory: root.appendingPathComponent("out")))
        await #expect {
            _ = try await runner("other.yaml").run(RunOptions(runID: "r", outputDirectory: root.appendingPathComponent("out")))
        } throws: { error in
            let text = "\(error)"
            return error is RunMismatch && text.contains("dataset") && text.contains("other.jsonl now") && text.contains("another --run-id")
        }

        // A run whose stored decision names an expert the registry no longer has is refused before any call.
        let registry = try runner("pipeline.yaml").pipeline.registry
        var decision = DecisionMaker(registry: registry, k: 1, strategy: .topK, aggregator: "judge", seed: 1)
            .decide(for: Instance(id: "q0", text: "Solve the equation x = 1."))
        decision.recruitment.team = ["ghost"]
        _ = try store.beginRun(
            RunInfo(
                id: "g",
                pipeline: "replay",
                pipelinePath: root.appendingPathComponent("pipeline.yaml").path,
                dataset: root.appendingPathComponent("data.jsonl").path,
                status: .stopped,
                createdAt: Date()
            )
        )
        try store.saveDecisions(run: "g", [NewDecision(position: 0, question: "Solve the equation x = 1.", decision: decision)])
        await #expect {
            _ = try await runner("pipeline.yaml").run(RunOptions(runID: "g", outputDirectory: root.appendingPathComponent("g")))
        } throws: { error in
            error is RunMismatch && "\(error)".contains("expert 'ghost', which the registry no longer has")
        }
    }
}
