import ConclaveCore
import Foundation
import Testing

@testable import ConclaveStore

/// What every `RunStore` must do, whatever holds it: the same tests run on the SQLite store
/// (`SQLiteRunStoreTests`) and on a real PostgreSQL server (`PostgresRunStoreTests`).
enum RunStoreContract {
    static func decision(_ id: String) -> Decision {
        let score = ExpertScore(
            expert: "e",
            relevanceBySkill: ["number_theory": 2, "algebra": 1],
            relevance: 3,
            strength: 0.5,
            weight: 1.5,
            cost: 0.003,
            seats: 2,
            reason: "recruited for 2 of 2 seats"
        )
        var decision = Decision(
            instanceID: id,
            skills: [.init(skill: "algebra", term: "equation")],
            role: "Mathematician",
            recruitment: Recruitment(team: ["e", "e"], scores: [score], usedStrengthFallback: false),
            aggregator: "judge",
            seed: 42
        )
        decision.collaboration = Collaboration(
            mode: .debate,
            rounds: 3,
            finish: .vote,
            agents: [Agent(seat: 0, expert: "e", role: "Mathematician"), Agent(seat: 1, expert: "e")]
        )
        decision.modeChoice = ModeChoice(
            source: .explored,
            mode: .debate,
            options: [ModeOption(mode: .debate, success: 0.5, cost: 0.25, score: 0.25)],
            probability: 1.0 / 12
        )
        return decision
    }

    static func call(_ id: String, seat: Int, text: String?, error: String? = nil) -> StoredCall {
        StoredCall(
            key: CallKey(instanceID: id, stage: seat < 0 ? .aggregator : .expert, seat: seat < 0 ? nil : seat),
            requestHash: "h\(id)\(seat)",
            prompt: [.system("be \"careful\"\n"), .user("2+2?\t\u{1}")],
            record: CallRecord(
                stage: seat < 0 ? .aggregator : .expert,
                expert: "e",
                seat: seat < 0 ? nil : seat,
                text: text,
                inputTokens: 5,
                outputTokens: 2,
                latencyMs: 1.5,
                cost: 0.25,
                attempts: 1,
                error: error
            )
        )
    }

    static func decisionsCallsAndResultsRoundTripAndTotalsAddUp(_ store: any RunStore) async throws {
        let run = try await store.beginRun(
            RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date())
        )
        #expect(run.status == .running && run.instances == 0)
        try await store.saveDecisions(
            run: "r",
            [NewDecision(position: 0, question: "q a", decision: decision("a")), NewDecision(position: 1, question: "q b", decision: decision("b"))]
        )
        #expect(try await store.decisions(run: "r", instances: ["a", "b", "c"]) == ["a": decision("a"), "b": decision("b")])

        try await store.saveCalls(run: "r", [call("a", seat: 0, text: "4"), call("a", seat: 1, text: nil, error: "HTTP 500: boom")])
        try await store.saveCalls(run: "r", [call("a", seat: -1, text: "The answer is 4")])
        let completed = try await store.completedCalls(run: "r", instances: ["a"])
        #expect(Set(completed.keys) == [CallKey(instanceID: "a", stage: .expert, seat: 0), CallKey(instanceID: "a", stage: .aggregator, seat: nil)])
        let stored = try await store.calls(run: "r", instance: "a")
        #expect(stored.count == 3)
        #expect(stored.first { $0.key.seat == 0 }?.prompt == call("a", seat: 0, text: "4").prompt)
        #expect(stored.first { $0.key.seat == 1 }?.record.error == "HTTP 500: boom")

        let answered = answeredResult()
        let failed = failedResult()
        try await store.saveResults(run: "r", [NewResult(position: 1, result: failed), NewResult(position: 0, result: answered)])
        #expect(try await store.answeredInstances(run: "r", among: ["a", "b"]) == ["a"])
        #expect(try await store.result(run: "r", instance: "a") == answered)
        var order: [String] = []
        try await store.forEachResult(run: "r") { order.append($0.id) }
        #expect(order == ["a", "b"])

        try await store.finishRun("r", status: .completed, loads: 2, unloads: 1)
        let info = try #require(try await store.run("r"))
        #expect(info.status == .completed && info.instances == 2 && info.answered == 1 && info.failed == 1)
        #expect(info.graded == 2 && info.correct == 1 && info.calls == 3 && info.failedCalls == 1)
        #expect(info.cost == 0.75 && info.modelLoads == 2 && info.modelUnloads == 1)
        #expect(try await store.runs().map(\.id) == ["r"])
    }

    /// Instance a's result: answered, one of its two agents' calls failed.
    static func answeredResult() -> InstanceResult {
        InstanceResult(
            id: "a",
            question: "q a",
            decision: decision("a"),
            responses: [call("a", seat: 0, text: "4").record, call("a", seat: 1, text: nil, error: "x").record],
            aggregation: call("a", seat: -1, text: "The answer is 4").record,
            finalAnswer: "The answer is 4",
            extractedAnswer: "4",
            gold: "4",
            correct: true,
            failureReason: nil
        )
    }

    /// Instance b's result: no call answered.
    static func failedResult() -> InstanceResult {
        InstanceResult(
            id: "b",
            question: "q b",
            decision: decision("b"),
            responses: [],
            aggregation: nil,
            finalAnswer: nil,
            extractedAnswer: nil,
            gold: "1",
            correct: false,
            failureReason: "all 0 expert calls failed"
        )
    }

    /// A window saved in one write (`saveWindow`: decisions, calls and results) reads back as the same
    /// work saved part by part does; a window with empty parts saves the others.
    static func aWindowSavedTogetherReadsBackAsSavedApart(_ store: any RunStore) async throws {
        _ = try await store.beginRun(
            RunInfo(id: "w", pipeline: "p", pipelinePath: "p.yaml", dataset: "requests", status: .running, createdAt: Date())
        )
        try await store.saveWindow(
            run: "w",
            decisions: [
                NewDecision(position: 0, question: "q a", decision: decision("a")),
                NewDecision(position: 1, question: "q b", decision: decision("b")),
            ],
            calls: [
                call("a", seat: 0, text: "4"), call("a", seat: 1, text: nil, error: "HTTP 500: boom"), call("a", seat: -1, text: "The answer is 4"),
            ],
            results: [NewResult(position: 1, result: failedResult()), NewResult(position: 0, result: answeredResult())]
        )
        #expect(try await store.decisions(run: "w", instances: ["a", "b"]) == ["a": decision("a"), "b": decision("b")])
        let stored = try await store.calls(run: "w", instance: "a")
        #expect(stored.count == 3 && stored.first { $0.key.seat == 1 }?.record.error == "HTTP 500: boom")
        #expect(try await store.result(run: "w", instance: "a") == answeredResult())
        #expect(try await store.answeredInstances(run: "w", among: ["a", "b"]) == ["a"])
        let info = try #require(try await store.run("w"))
        #expect(info.instances == 2 && info.answered == 1 && info.failed == 1)
        #expect(info.calls == 3 && info.failedCalls == 1 && info.cost == 0.75)

        try await store.saveWindow(run: "w", decisions: [NewDecision(position: 2, question: "q c", decision: decision("c"))], calls: [], results: [])
        #expect(try await store.decisions(run: "w", instances: ["c"]) == ["c": decision("c")])
        #expect(try await store.run("w")?.instances == 3)
    }

    static func responseCacheAndResumingARunKeepsItsHistory(_ store: any RunStore) async throws {
        #expect(try await store.cachedResponse("k") == nil)
        try await store.cacheResponse("k", call("a", seat: 0, text: "cached").record)
        #expect(try await store.cachedResponse("k")?.text == "cached")
        let first = try await store.beginRun(
            RunInfo(id: "r", pipeline: "p", pipelinePath: "p", dataset: "d", status: .running, createdAt: Date(timeIntervalSince1970: 100))
        )
        try await store.finishRun("r", status: .stopped, loads: 1, unloads: 0)
        let again = try await store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p", dataset: "d", status: .running, createdAt: Date()))
        #expect(again.createdAt == first.createdAt && again.status == .running && again.modelLoads == 1)
    }

    static func extractionsAreCachedPerTextAndExtractor(_ store: any RunStore) async throws {
        let extraction = SkillExtraction(
            samples: ["algebra, poetry", "algebra"],
            keywords: [
                KeywordMapping(keyword: "algebra", skill: "algebra", term: "algebra", method: .alias, similarity: 1),
                KeywordMapping(keyword: "poetry", skill: nil, term: nil, method: .unmapped, similarity: 0),
            ]
        )
        try await store.cacheExtractions(extractor: "x1", [CachedExtraction(textHash: "t1", extraction: extraction)])
        #expect(try await store.cachedExtractions(extractor: "x1", textHashes: ["t1", "t2"]) == ["t1": extraction])
        #expect(try await store.cachedExtractions(extractor: "x2", textHashes: ["t1"]).isEmpty)
        var decided = decision("k")
        decided.keywords = extraction.keywords
        _ = try await store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date()))
        try await store.saveDecisions(run: "r", [NewDecision(position: 0, question: "q", decision: decided)])
        let stored = try await store.decisions(run: "r", instances: ["k"])["k"]
        #expect(stored == decided && stored?.unmapped == ["poetry"])
    }

    static func pagesFollowDatasetOrderAndARetriedCallReplacesItsFailure(_ store: any RunStore) async throws {
        _ = try await store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date()))
        let ids = (0..<7).map { "q\($0)" }
        try await store.saveDecisions(
            run: "r",
            ids.enumerated().map { NewDecision(position: $0.offset, question: $0.element, decision: decision($0.element)) }
        )
        try await store.saveResults(
            run: "r",
            ids.enumerated().reversed().map { index, id in
                NewResult(
                    position: index,
                    result: InstanceResult(
                        id: id,
                        question: id,
                        decision: decision(id),
                        responses: [call(id, seat: 0, text: "4").record],
                        aggregation: nil,
                        finalAnswer: "4",
                        extractedAnswer: "4",
                        gold: "4",
                        correct: index % 2 == 0,
                        failureReason: nil
                    )
                )
            }
        )
        var pages: [[String]] = []
        var cursor = -1
        while true {
            let page = try await store.resultsPage(run: "r", after: cursor, limit: 3)
            if page.lines.isEmpty { break }
            pages.append(
                try page.lines.map { line in
                    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["id"] as? String ?? ""
                }
            )
            cursor = try #require(page.last)
        }
        #expect(pages == [["q0", "q1", "q2"], ["q3", "q4", "q5"], ["q6"]])
        let info = try #require(try await store.run("r"))
        #expect(info.instances == 7 && info.answered == 7 && info.graded == 7 && info.correct == 4)

        try await store.saveCalls(run: "r", [call("q0", seat: 0, text: nil, error: "timed out")])
        #expect(try await store.completedCalls(run: "r", instances: ["q0"]).isEmpty)
        try await store.saveCalls(run: "r", [call("q0", seat: 0, text: "4"), call("q0", seat: -1, text: "4")])
        #expect(try await store.completedCalls(run: "r", instances: ["q0"]).count == 2)
        #expect(try await store.calls(run: "r", instance: "q0").map(\.record.error) == [nil, nil])
        let spent = try await store.spent(run: "r")
        #expect(spent.cost == 0.5 && spent.tokens == 14)
        #expect(try await store.result(run: "r", instance: "nope") == nil)
        #expect(try await store.run("nope") == nil)
    }

    static func concurrentWritersOfOneRunLoseNothing(_ store: any RunStore) async throws {
        _ = try await store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<25 {
                        let id = "w\(writer)-\(index)"
                        _ = try await store.beginRun(
                            RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date())
                        )
                        try await store.saveDecisions(run: "r", [NewDecision(position: writer * 100 + index, question: id, decision: decision(id))])
                        try await store.saveCalls(run: "r", [call(id, seat: 0, text: "a"), call(id, seat: 1, text: "b")])
                    }
                }
            }
            try await group.waitForAll()
        }
        let ids = (0..<4).flatMap { writer in (0..<25).map { "w\(writer)-\($0)" } }
        #expect(try await store.completedCalls(run: "r", instances: ids).count == 200)
        #expect(try await store.decisions(run: "r", instances: ids).count == 100)
        #expect(try await store.run("r")?.instances == 100)
    }
}
