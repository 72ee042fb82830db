import ConclaveCore
import Foundation
import Testing

@testable import ConclaveStore

/// The SQLite store on a real file: runs, decisions, calls, results, cache, totals and group commit.
@Suite struct SQLiteRunStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString)/runs.sqlite").path

    func decision(_ id: String) -> Decision {
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

    func call(_ id: String, seat: Int, text: String?, error: String? = nil) -> StoredCall {
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

    @Test func decisionsCallsAndResultsRoundTripAndTotalsAddUp() throws {
        let store = try SQLiteRunStore(path: path)
        let run = try store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date()))
        #expect(run.status == .running && run.instances == 0)
        try store.saveDecisions(
            run: "r",
            [NewDecision(position: 0, question: "q a", decision: decision("a")), NewDecision(position: 1, question: "q b", decision: decision("b"))]
        )
        #expect(try store.decisions(run: "r", instances: ["a", "b", "c"]) == ["a": decision("a"), "b": decision("b")])

        try store.saveCalls(run: "r", [call("a", seat: 0, text: "4"), call("a", seat: 1, text: nil, error: "HTTP 500: boom")])
        try store.saveCalls(run: "r", [call("a", seat: -1, text: "The answer is 4")])
        let completed = try store.completedCalls(run: "r", instances: ["a"])
        #expect(Set(completed.keys) == [CallKey(instanceID: "a", stage: .expert, seat: 0), CallKey(instanceID: "a", stage: .aggregator, seat: nil)])
        let stored = try store.calls(run: "r", instance: "a")
        #expect(stored.count == 3)
        #expect(stored.first { $0.key.seat == 0 }?.prompt == call("a", seat: 0, text: "4").prompt)
        #expect(stored.first { $0.key.seat == 1 }?.record.error == "HTTP 500: boom")

        let responses = [call("a", seat: 0, text: "4").record, call("a", seat: 1, text: nil, error: "x").record]
        let answered = InstanceResult(
            id: "a",
            question: "q a",
            decision: decision("a"),
            responses: responses,
            aggregation: call("a", seat: -1, text: "The answer is 4").record,
            finalAnswer: "The answer is 4",
            extractedAnswer: "4",
            gold: "4",
            correct: true,
            failureReason: nil
        )
        let failed = InstanceResult(
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
        try store.saveResults(run: "r", [NewResult(position: 1, result: failed), NewResult(position: 0, result: answered)])
        #expect(try store.answeredInstances(run: "r", among: ["a", "b"]) == ["a"])
        #expect(try store.result(run: "r", instance: "a") == answered)
        var order: [String] = []
        try store.forEachResult(run: "r") { order.append($0.id) }
        #expect(order == ["a", "b"])

        try store.finishRun("r", status: .completed, loads: 2, unloads: 1)
        let info = try #require(try store.run("r"))
        #expect(info.status == .completed && info.instances == 2 && info.answered == 1 && info.failed == 1)
        #expect(info.graded == 2 && info.correct == 1 && info.calls == 3 && info.failedCalls == 1)
        #expect(info.cost == 0.75 && info.modelLoads == 2 && info.modelUnloads == 1)
        #expect(try store.runs().map(\.id) == ["r"])
    }

    @Test func resultLinesAreValidJSONWithEveryFieldAndSurviveEscaping() throws {
        let record = CallRecord(
            stage: .expert,
            expert: "e",
            seat: 0,
            text: "quote \" backslash \\ newline \n tab \t bell \u{7} é 🙂",
            inputTokens: 1,
            outputTokens: 1,
            latencyMs: 0.5,
            cost: 0,
            attempts: 1,
            error: nil
        )
        let result = InstanceResult(
            id: "x",
            question: "q",
            decision: decision("x"),
            responses: [record],
            aggregation: nil,
            finalAnswer: nil,
            extractedAnswer: nil,
            gold: nil,
            correct: nil,
            failureReason: nil
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.resultsJSON.utf8)) as? [String: Any])
        #expect(
            Set(object.keys).isSuperset(of: [
                "id", "skills", "experts", "responses", "final_answer", "correct", "input_tokens", "latency_ms", "failure_reason",
            ])
        )
        #expect(object["final_answer"] is NSNull)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(InstanceResult.self, from: Data(result.resultsJSON.utf8)) == result)
        #expect(try JSONDecoder().decode(Decision.self, from: Data(decision("x").storeJSON.utf8)) == decision("x"))
    }

    @Test func responseCacheAndResumingARunKeepsItsHistory() throws {
        let store = try SQLiteRunStore(path: path)
        #expect(try store.cachedResponse("k") == nil)
        try store.cacheResponse("k", call("a", seat: 0, text: "cached").record)
        #expect(try store.cachedResponse("k")?.text == "cached")
        let first = try store.beginRun(
            RunInfo(id: "r", pipeline: "p", pipelinePath: "p", dataset: "d", status: .running, createdAt: Date(timeIntervalSince1970: 100))
        )
        try store.finishRun("r", status: .stopped, loads: 1, unloads: 0)
        let again = try store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p", dataset: "d", status: .running, createdAt: Date()))
        #expect(again.createdAt == first.createdAt && again.status == .running && again.modelLoads == 1)
        let reopened = try SQLiteRunStore(path: path)
        #expect(try reopened.run("r")?.status == .running)
    }

    @Test func groupCommitReturnsOnlyAfterCommitAndBatchesConcurrentWork() async throws {
        let batches = BatchLog()
        let committer = GroupCommitter<Int> { batch in
            try await Task.sleep(for: .milliseconds(10))
            batches.append(batch)
        }
        await withTaskGroup(of: Void.self) { group in
            for item in 0..<200 {
                group.addTask {
                    try? await committer.submit(item)
                    #expect(batches.contains(item), "submit returned before \(item) was committed")
                }
            }
        }
        #expect(batches.all.sorted() == Array(0..<200))
        #expect(batches.count < 200, "concurrent submissions should share transactions")
        let failing = GroupCommitter<Int> { _ in throw CocoaError(.fileWriteUnknown) }
        await #expect(throws: CocoaError.self) { try await failing.submit(1) }
        // A failed batch fails only its own items: the next submission leads a fresh commit.
        let flaky = GroupCommitter<Int> { batch in if batch.contains(0) { throw CocoaError(.fileWriteUnknown) } }
        await #expect(throws: CocoaError.self) { try await flaky.submit(0) }
        try await flaky.submit(1)
    }

    final class BatchLog: @unchecked Sendable {
        private let lock = NSLock()
        private var batches: [[Int]] = []
        func append(_ batch: [Int]) { lock.withLock { batches.append(batch) } }
        func contains(_ item: Int) -> Bool { lock.withLock { batches.contains { $0.contains(item) } } }
        var all: [Int] { lock.withLock { batches.flatMap { $0 } } }
        var count: Int { lock.withLock { batches.count } }
    }

    @Test func profilesAreVersionedPerExpertAndNeverOverwritten() throws {
        let store = try SQLiteRunStore(path: path)
        func record(_ expert: String, correct: Int) -> ProfileRecord {
            ProfileRecord(
                expert: expert,
                runID: "p",
                dataset: "val.jsonl",
                measuredAt: Date(timeIntervalSince1970: 1_800_000_000),
                questions: 10,
                correct: correct,
                failedCalls: 0,
                profile: Profile(skills: ["algebra": Double(2 * correct - 10)], answered: ["algebra": 10], globalRate: 0.2)
            )
        }
        #expect(try store.saveProfile(record("a", correct: 6)).version == 1)
        #expect(try store.saveProfile(record("b", correct: 2)).version == 1)
        let second = try store.saveProfile(record("a", correct: 8))
        #expect(second.version == 2)
        let versions = try store.profiles(expert: "a")
        #expect(versions.map(\.version) == [2, 1])
        #expect(versions[0] == second && versions[1].correct == 6 && versions[1].profile.skills == ["algebra": 2])
        #expect(try store.profiles(expert: "nobody").isEmpty)
    }

    @Test func extractionsAreCachedPerTextAndExtractor() throws {
        let store = try SQLiteRunStore(path: path)
        let extraction = SkillExtraction(
            samples: ["algebra, poetry", "algebra"],
            keywords: [
                KeywordMapping(keyword: "algebra", skill: "algebra", term: "algebra", method: .alias, similarity: 1),
                KeywordMapping(keyword: "poetry", skill: nil, term: nil, method: .unmapped, similarity: 0),
            ]
        )
        try store.cacheExtractions(extractor: "x1", [CachedExtraction(textHash: "t1", extraction: extraction)])
        #expect(try store.cachedExtractions(extractor: "x1", textHashes: ["t1", "t2"]) == ["t1": extraction])
        #expect(try store.cachedExtractions(extractor: "x2", textHashes: ["t1"]).isEmpty)
        var decided = decision("k")
        decided.keywords = extraction.keywords
        _ = try store.beginRun(RunInfo(id: "r", pipeline: "p", pipelinePath: "p.yaml", dataset: "d.jsonl", status: .running, createdAt: Date()))
        try store.saveDecisions(run: "r", [NewDecision(position: 0, question: "q", decision: decided)])
        let stored = try store.decisions(run: "r", instances: ["k"])["k"]
        #expect(stored == decided && stored?.unmapped == ["poetry"])
    }
}
