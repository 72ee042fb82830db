import ConclaveCore
import Foundation
import Testing

@testable import ConclaveStore

/// The SQLite store on a real file: the run store contract, reopening, profiles, result lines and group commit.
@Suite struct SQLiteRunStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString)/runs.sqlite").path

    @Test func roundTrip() async throws { try await RunStoreContract.decisionsCallsAndResultsRoundTripAndTotalsAddUp(try SQLiteRunStore(path: path)) }
    @Test func history() async throws { try await RunStoreContract.responseCacheAndResumingARunKeepsItsHistory(try SQLiteRunStore(path: path)) }
    @Test func extractions() async throws { try await RunStoreContract.extractionsAreCachedPerTextAndExtractor(try SQLiteRunStore(path: path)) }
    @Test func pages() async throws {
        try await RunStoreContract.pagesFollowDatasetOrderAndARetriedCallReplacesItsFailure(try SQLiteRunStore(path: path))
    }
    @Test func concurrency() async throws { try await RunStoreContract.concurrentWritersOfOneRunLoseNothing(try SQLiteRunStore(path: path)) }
    @Test func windows() async throws { try await RunStoreContract.aWindowSavedTogetherReadsBackAsSavedApart(try SQLiteRunStore(path: path)) }

    @Test func aReopenedFileHoldsWhatWasWritten() async throws {
        try await RunStoreContract.responseCacheAndResumingARunKeepsItsHistory(try SQLiteRunStore(path: path))
        let reopened = try SQLiteRunStore(path: path)
        #expect(try reopened.run("r")?.status == .running)
        #expect(try reopened.cachedResponse("k")?.text == "cached")
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
            decision: RunStoreContract.decision("x"),
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
        #expect(try JSONDecoder().decode(Decision.self, from: Data(RunStoreContract.decision("x").storeJSON.utf8)) == RunStoreContract.decision("x"))
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

}
