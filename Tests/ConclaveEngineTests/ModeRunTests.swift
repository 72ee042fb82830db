import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Synchronization
import Testing

/// Every collaboration mode run end to end against scripted experts and the in-memory store: the steps
/// each mode takes, who sees which answer in which round, how it ends, and resuming in the middle of a
/// debate without repeating a call (they run in `--unit`).
@Suite struct ModeRunTests {
    let workspace: TemporaryWorkspace

    init() throws {
        workspace = try TemporaryWorkspace(prefix: "conclave-modes")
        try workspace.write(
            "Skills/s.yaml",
            """
            domain: d
            skills:
              - name: geography
                aliases: [capital]
              - name: history
                aliases: [founded]
            roles:
              - name: Geographer
                instructions: Think like a geographer.
                skills: [geography]
              - name: Historian
                instructions: Think like a historian.
                skills: [history]
              - name: Judge
                instructions: Pick.

            """
        )
        for (id, score) in [("a", 5.0), ("b", 4), ("c", 3), ("judge", 1)] {
            try workspace.writeRemoteExpert(id, skills: ["geography": score, "history": score])
        }
        try workspace.write(
            "data.jsonl",
            """
            {"id": "fr", "question": "What is the capital of France, founded by the Parisii?", "choices": ["Paris", "Rome"], "answer": "A"}
            {"id": "it", "question": "What is the capital of Italy?", "choices": ["Paris", "Rome"], "answer": "B"}

            """
        )
    }

    /// Answers every call with the gold letter and a signature naming the expert and its call number, so a
    /// test can see which answers reached which prompt.
    final class Script: Sendable {
        let count = Mutex(0)
        /// Called with each request before it is answered (to stop a run part of the way).
        let onRequest: @Sendable (ChatRequest) -> Void

        init(onRequest: @escaping @Sendable (ChatRequest) -> Void = { _ in }) { self.onRequest = onRequest }

        func answer(_ expert: Expert, _ request: ChatRequest) -> ChatCompletion {
            onRequest(request)
            let number = count.withLock {
                $0 += 1
                return $0
            }
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            let letter = prompt.contains("Italy") ? "B" : "A"
            return ChatCompletion(text: "[\(expert.id)#\(number)] The answer is (\(letter)).", inputTokens: 10, outputTokens: 5)
        }
    }

    func run(
        _ collaboration: String,
        script: Script = Script(),
        store: any RunStore = InMemoryRunStore(),
        observer: RecordingObserver = RecordingObserver(),
        stop: StopSignal = StopSignal()
    ) async throws -> RunSummary {
        try workspace.write(
            "pipeline.yaml",
            """
            name: modes
            registry: { agents: Agents, skills: Skills }
            dataset: data.jsonl
            recruiter: { strategy: top-k, k: 3 }
            aggregator: { expert: judge, role: Judge }
            collaboration: \(collaboration)

            """
        )
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        let connector = ScriptedConnector { expert, request in script.answer(expert, request) }
        let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: observer)
        return try await runner.run(RunOptions(runID: "r", outputDirectory: workspace.url("out"), stop: stop))
    }

    /// The calls of instance `fr`, keyed by (stage, round, seat).
    func calls(_ store: InMemoryRunStore) throws -> [String: StoredCall] {
        Dictionary(
            try store.calls(run: "r", instance: "fr").map { ("\($0.key.stage.rawValue) \($0.key.round) \($0.key.seat ?? -1)", $0) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    func prompt(_ call: StoredCall?) -> String { call?.prompt.map(\.content).joined(separator: "\n") ?? "" }
    func signature(_ call: StoredCall?) -> String { String(call?.record.text?.prefix { $0 != " " } ?? "?") }

    @Test func eachModeRunsItsStepsGroupedPerModelAndAnswersCorrectly() async throws {
        let expected: [(String, [String], Int)] = [
            ("{ mode: single }", ["expert"], 1),
            ("{ mode: ensemble }", ["expert", "aggregator"], 4),
            ("{ mode: debate, rounds: 2 }", ["expert", "expert round 2", "aggregator"], 7),
            ("{ mode: debate, rounds: 2, finish: vote }", ["expert", "expert round 2"], 6),
            ("{ mode: reflection, rounds: 1 }", ["expert", "expert round 2", "expert round 3"], 3),
            ("{ mode: chain }", ["expert", "expert round 2", "expert round 3"], 3),
            ("{ mode: layered, rounds: 2 }", ["expert", "expert round 2", "aggregator"], 7),
        ]
        for (collaboration, steps, callsPerInstance) in expected {
            let store = InMemoryRunStore()
            let observer = RecordingObserver()
            let summary = try await run(collaboration, store: store, observer: observer)
            #expect(observer.steps.map(\.description) == steps, "\(collaboration)")
            #expect(summary.calls == 2 * callsPerInstance && summary.failedCalls == 0, "\(collaboration)")
            #expect(summary.answered == 2 && summary.correct == 2, "\(collaboration)")
            let account = try #require(summary.modes.first)
            #expect(summary.modes.count == 1 && account.calls == summary.calls && account.correct == 2 && account.instances == 2)
            #expect(account.inputTokens == summary.inputTokens && abs(account.cost - summary.cost) < 1e-12)
            #expect(summary.table.contains("mode \(account.mode.rawValue)"))
            for models in observer.groups {
                #expect(models.count == Set(models).count, "\(collaboration): each step loads each model once: \(models)")
            }
            let results = observer.results.sorted { $0.id < $1.id }
            #expect(results.allSatisfy { $0.mode?.rawValue == collaboration.split(separator: " ")[2].trimmingCharacters(in: .punctuationCharacters) })
            #expect(results.allSatisfy { $0.finalAnswer?.hasPrefix("[") == true }, "\(collaboration): the final answer is a response")
        }
    }

    @Test func inADebateEachAgentSeesEveryPreviousAnswerAttributedAndTheAggregatorOnlyTheLastRound() async throws {
        let store = InMemoryRunStore()
        _ = try await run("{ mode: debate, rounds: 2 }", store: store)
        let calls = try calls(store)
        let firstRound = (0..<3).map { signature(calls["expert 0 \($0)"]) }
        let second = prompt(calls["expert 1 1"])
        for (seat, mark) in firstRound.enumerated() { #expect(second.contains(mark), "round 2 of seat 1 sees seat \(seat)'s answer") }
        #expect(second.contains("<answer from=\"your own answer\">\n\(firstRound[1])"))
        #expect(second.contains("<answer from=\"agent 1 (Geographer)\">\n\(firstRound[0])"))
        #expect(second.contains("<answer from=\"agent 3 (Geographer)\">\n\(firstRound[2])"))
        #expect(!prompt(calls["expert 0 0"]).contains("["), "the first round sees no answer")
        let aggregator = prompt(calls["aggregator 0 -1"])
        #expect((0..<3).allSatisfy { aggregator.contains(signature(calls["expert 1 \($0)"])) })
        #expect(firstRound.allSatisfy { !aggregator.contains($0) }, "the aggregator sees only the last round")
        #expect(calls.values.filter { $0.key.stage == .expert }.allSatisfy { $0.record.mode == .debate && $0.record.role != nil })
    }

    @Test func reflectionChainAndLayersPassTheRightAnswersOn() async throws {
        let reflection = InMemoryRunStore()
        _ = try await run("{ mode: reflection, rounds: 1 }", store: reflection)
        var calls = try calls(reflection)
        #expect(prompt(calls["expert 1 1"]).contains("<answer from=\"agent 1 (Geographer)\">\n\(signature(calls["expert 0 0"]))"))
        let revision = prompt(calls["expert 2 0"])
        #expect(revision.contains("<answer from=\"your own answer\">\n\(signature(calls["expert 0 0"]))"))
        #expect(revision.contains("<answer from=\"agent 2 (Historian)\">\n\(signature(calls["expert 1 1"]))"))
        #expect(try reflection.result(run: "r", instance: "fr")?.finalAnswer == calls["expert 2 0"]?.record.text)

        let chain = InMemoryRunStore()
        _ = try await run("{ mode: chain }", store: chain)
        calls = try self.calls(chain)
        let third = prompt(calls["expert 2 2"])
        #expect(third.contains(signature(calls["expert 1 1"])) && !third.contains(signature(calls["expert 0 0"])), "only the previous link")

        let layered = InMemoryRunStore()
        _ = try await run("{ mode: layered, rounds: 2 }", store: layered)
        calls = try self.calls(layered)
        #expect((0..<3).allSatisfy { prompt(calls["expert 1 0"]).contains(signature(calls["expert 0 \($0)"])) })
        #expect(prompt(calls["expert 1 0"]).contains("previous layer"))
    }

    /// On the in-memory store and on a real SQLite file (which must keep the plan in the stored decision).
    @Test(arguments: [false, true])
    func aDebateStoppedInItsSecondRoundResumesWithoutRepeatingACall(onSQLite: Bool) async throws {
        let store: any RunStore = onSQLite ? try SQLiteRunStore(path: workspace.path("store.sqlite")) : InMemoryRunStore()
        let stop = StopSignal()
        let script = Script { request in
            if request.messages.contains(where: { $0.content.contains("In the previous round") }) { stop.request() }
        }
        await #expect(throws: RunStopped.self) { _ = try await run("{ mode: debate, rounds: 2 }", script: script, store: store, stop: stop) }
        let before = script.count.withLock { $0 }
        #expect(before >= 7 && before < 14, "round 1 finished and round 2 began: \(before) calls")
        let summary = try await run("{ mode: debate, rounds: 2 }", script: script, store: store)
        #expect(script.count.withLock { $0 } == 14, "2 instances × (3 + 3 + 1) calls, none made twice")
        #expect(summary.answered == 2 && summary.correct == 2)
    }

    @Test func runModeFlagsAndBadCollaborationsAreNamed() throws {
        try workspace.write(
            "bad.yaml",
            """
            name: bad
            registry: { agents: Agents, skills: Skills }
            dataset: data.jsonl
            collaboration: { mode: debat, rounds: 0, finish: vote, downgrade: [agents, cheaper] }

            """
        )
        #expect(throws: ConfigurationError.self) { try ConfigLoader.loadPipeline(workspace.path("bad.yaml")) }
        do {
            _ = try ConfigLoader.loadPipeline(workspace.path("bad.yaml"))
        } catch {
            let text = "\(error)"
            #expect(text.contains("unknown mode 'debat'") && text.contains("did you mean 'debate'"), "\(text)")
            #expect(text.contains("bad.yaml:4:"), "\(text)")
            #expect(text.contains("rounds"), "\(text)")
            #expect(text.contains("mode 'ensemble' cannot finish by 'vote'") == false, "ensemble can vote")
            #expect(text.contains("unknown downgrade step 'cheaper'"), "\(text)")
        }
    }
}
