import ConclaveCore
import Foundation
import GRDB
import Testing

@testable import ConclaveStore

/// A store written before calls had rounds opens with its calls intact: they become round 0, no role,
/// no mode, and the run resumes from them.
@Suite struct StoreMigrationTests {
    @Test func callsStoredBeforeRoundsBecomeRoundZero() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-migration-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("runs.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteRunStore.migrator.migrate(old, upTo: "v4: the model extractor's cache")
            try old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO calls (run_id, instance_id, stage, seat, expert, request_hash, prompt, response, input_tokens,
                            output_tokens, latency_ms, cost, error, attempts, created_at)
                        VALUES ('r', 'q', 'expert', 1, 'e', 'h', '[]', 'The answer is 4', 3, 2, 1.5, 0.25, NULL, 1, 0),
                               ('r', 'q', 'aggregator', -1, 'judge', 'h2', '[]', 'The answer is 4', 3, 2, 1.5, 0.5, NULL, 1, 0)
                        """
                )
            }
        }
        let store = try SQLiteRunStore(path: path)
        let calls = try store.completedCalls(run: "r", instances: ["q"])
        #expect(
            Set(calls.keys) == [CallKey(instanceID: "q", stage: .expert, round: 0, seat: 1), CallKey(instanceID: "q", stage: .aggregator, seat: nil)]
        )
        let expert = try #require(calls[CallKey(instanceID: "q", stage: .expert, seat: 1)])
        #expect(expert.round == 0 && expert.role == nil && expert.mode == nil && expert.text == "The answer is 4")
        #expect(try store.spent(run: "r") == Spend(cost: 0.75, tokens: 10))
    }

    @Test func callsOfDifferentRoundsAreKeptApart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-rounds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteRunStore(path: folder.appendingPathComponent("runs.sqlite").path)
        let calls = (0..<3).map { round in
            StoredCall(
                key: CallKey(instanceID: "q", stage: .expert, round: round, seat: 0),
                requestHash: "h\(round)",
                prompt: [.user("round \(round)")],
                record: CallRecord(
                    stage: .expert,
                    expert: "e",
                    seat: 0,
                    text: "answer \(round)",
                    inputTokens: 1,
                    outputTokens: 1,
                    latencyMs: 1,
                    cost: 0,
                    attempts: 1,
                    error: nil,
                    round: round,
                    role: "Critic",
                    mode: .reflection
                )
            )
        }
        try store.saveCalls(run: "r", calls)
        let stored = try store.calls(run: "r", instance: "q")
        #expect(stored.map(\.key.round) == [0, 1, 2])
        #expect(stored.map(\.record.text) == ["answer 0", "answer 1", "answer 2"])
        #expect(stored.allSatisfy { $0.record.role == "Critic" && $0.record.mode == .reflection })
    }
}
