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

    /// Runs the workspace's pipeline (with `budget`) as run `runID` against the script.
    func run(
        _ script: Script,
        store: InMemoryRunStore,
        observer: RecordingObserver = RecordingObserver(),
        budget: Budget = .unlimited,
        runID: String = "r1"
    ) async throws -> RunSummary {
        var pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        pipeline.spec.budget = budget
        let connector = ScriptedConnector { expert, request in try script.answer(expert, request) }
        let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: observer)
        return try await runner.run(RunOptions(runID: runID, outputDirectory: workspace.url("out-\(runID)")))
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
        let lines = try String(contentsOf: workspace.url("out-r1/results.jsonl"), encoding: .utf8).split(separator: "\n")
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

    /// The cost ceiling of one expert call on the first question (every prompt byte a token, max_tokens
    /// of output); a scripted call actually costs (10 × 1 + 5 × 2) / 1e6 = 2e-5, far less.
    func ceilingOfOneExpertCall(_ pipeline: LoadedPipeline) throws -> Double {
        let expert = try #require(pipeline.registry.expert("good"))
        let instance = Instance(id: "x", text: "What is the capital of France?", choices: ["Paris", "Rome"])
        return expert.ceiling(messages: Prompts.expert(instance: instance, role: nil, expert: expert)).cost
    }

    /// A per-run budget of 0, 1.5, 4 and 20 ceilings: what is spent never exceeds it, and every call is
    /// either sent or recorded as refused.
    @Test func aRunNeverSpendsMoreThanItsBudgetAndSaysWhatItRefused() async throws {
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        let ceiling = try ceilingOfOneExpertCall(pipeline)
        for perRun in [0, 1.5 * ceiling, 4 * ceiling, 20 * ceiling] {
            let store = InMemoryRunStore()
            let script = Script()
            script.flakyFails.withLock { $0 = false }
            let summary = try await run(script, store: store, budget: Budget(perRun: perRun), runID: "b")
            let spent = try store.spent(run: "b").cost
            #expect(spent <= perRun + 1e-12, "spent \(spent) of \(perRun)")
            let sent = script.requests.withLock { $0.values.reduce(0, +) }
            let stored = try ["fr", "it", "es"].flatMap { try store.calls(run: "b", instance: $0) }
            #expect(summary.budgetRefusals + sent == stored.count, "every call is either sent or refused")
            if perRun == 0 { #expect(sent == 0 && summary.answered == 0 && stored.count == 6) }
            if perRun == 1.5 * ceiling { #expect(sent >= 1, "a call's ceiling fits; it settles to its actual cost and frees room") }
            if perRun == 20 * ceiling { #expect(summary.budgetRefusals == 0 && summary.answered == 3) }
            #expect(summary.table.contains("calls refused as over budget"))
            let refused = stored.filter { $0.record.attempts == 0 }
            #expect(refused.count == summary.budgetRefusals)
            #expect(refused.allSatisfy { $0.record.error?.hasPrefix("over the run's budget") == true })
        }
    }

    /// An instance budget of 1.5 expert-call ceilings: each plan of two experts is cut to one seat before
    /// any call (the decision says so), and no instance spends more than its budget.
    @Test func anInstanceBudgetDowngradesThePlanAndLimitsEachInstanceAlone() async throws {
        let ceiling = try ceilingOfOneExpertCall(try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml")))
        let store = InMemoryRunStore()
        let script = Script()
        script.flakyFails.withLock { $0 = false }
        let summary = try await run(script, store: store, budget: Budget(perInstance: ceiling * 1.5), runID: "i")
        let decisions = try store.decisions(run: "i", instances: ["fr", "it", "es"])
        for id in ["fr", "it", "es"] {
            let calls = try store.calls(run: "i", instance: id)
            #expect(calls.map(\.record.cost).reduce(0, +) <= ceiling * 1.5)
            #expect(calls.filter { $0.record.attempts > 0 && $0.key.stage == .expert }.count == 1, "one expert answers")
            #expect(decisions[id]?.recruitment.team.count == 1)
            #expect(decisions[id]?.downgrades?.first?.hasPrefix("dropped a seat of flaky") == true, "\(decisions[id]?.downgrades ?? [])")
        }
        #expect(summary.answered == 3)
    }

    /// Token limits are as hard as money limits: per run, what is used never exceeds the limit; per
    /// instance, the plan is cut before any call and no instance uses more than its limit.
    @Test func tokenBudgetsAreHardLimitsToo() async throws {
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        let expert = try #require(pipeline.registry.expert("good"))
        let instance = Instance(id: "x", text: "What is the capital of France?", choices: ["Paris", "Rome"])
        let ceiling = expert.ceiling(messages: Prompts.expert(instance: instance, role: nil, expert: expert)).tokens
        for perRun in [0, ceiling * 3 / 2, ceiling * 4, ceiling * 20] {
            let store = InMemoryRunStore()
            let script = Script()
            script.flakyFails.withLock { $0 = false }
            let summary = try await run(script, store: store, budget: Budget(perRunTokens: perRun), runID: "t")
            let used = try store.spent(run: "t").tokens
            #expect(used <= perRun, "used \(used) of \(perRun) tokens")
            let stored = try ["fr", "it", "es"].flatMap { try store.calls(run: "t", instance: $0) }
            let sent = script.requests.withLock { $0.values.reduce(0, +) }
            #expect(summary.budgetRefusals + sent == stored.count)
            #expect(stored.filter { $0.record.attempts == 0 }.allSatisfy { $0.record.error?.hasPrefix("over the run's token budget") == true })
            #expect(summary.table.contains("tokens per run"))
        }
        let store = InMemoryRunStore()
        let script = Script()
        script.flakyFails.withLock { $0 = false }
        let limit = ceiling * 3 / 2
        _ = try await run(script, store: store, budget: Budget(perInstanceTokens: limit), runID: "ti")
        let decisions = try store.decisions(run: "ti", instances: ["fr", "it", "es"])
        for id in ["fr", "it", "es"] {
            #expect(try store.calls(run: "ti", instance: id).map(\.record.spend.tokens).reduce(0, +) <= limit)
            #expect(decisions[id]?.downgrades?.first?.contains("over the instance's token budget") == true, "\(decisions[id]?.downgrades ?? [])")
        }
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
