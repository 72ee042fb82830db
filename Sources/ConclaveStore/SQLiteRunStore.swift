import ConclaveCore
import Foundation
import GRDB

/// The default `RunStore`: one SQLite file in WAL mode (readers never block the writer), with schema
/// migrations. Calls are committed as they complete (calls completing together share a transaction), each
/// as durable as `durability` says.
///
/// ```swift
/// let store = try SQLiteRunStore(path: "runs/conclave.sqlite")
/// let run = try store.beginRun(RunInfo(id: "r1", pipeline: "quickstart", pipelinePath: "p.yaml", dataset: "d.jsonl",
///                                      status: .running, createdAt: Date()))
/// ```
public final class SQLiteRunStore: RunStore, ProfileStore {
    public let path: String
    public let durability: Durability
    private let pool: DatabasePool
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    /// Results are stored exactly as `results.jsonl` holds them, so exporting copies them verbatim.
    private let resultDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    public init(path: String, durability: Durability = .full) throws {
        self.path = path
        self.durability = durability
        self.pool = try Self.openPool(path: path, durability: durability)
        encoder.outputFormatting = .sortedKeys
    }

    /// Opens (creating its folder and file when needed) and migrates the store at `path`; the job queue
    /// opens the same file this way.
    static func openPool(path: String, durability: Durability) throws -> DatabasePool {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.synchronous)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, instances, decisions, calls, results, cache") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, pipeline_path TEXT NOT NULL, dataset TEXT NOT NULL,
                        status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                        model_loads INTEGER NOT NULL DEFAULT 0, model_unloads INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE instances (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, instance_id TEXT NOT NULL,
                        position INTEGER NOT NULL, question TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending', failure_reason TEXT,
                        PRIMARY KEY (run_id, instance_id));
                    CREATE TABLE decisions (
                        run_id TEXT NOT NULL, instance_id TEXT NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (run_id, instance_id),
                        FOREIGN KEY (run_id, instance_id) REFERENCES instances(run_id, instance_id) ON DELETE CASCADE);
                    CREATE TABLE calls (
                        run_id TEXT NOT NULL, instance_id TEXT NOT NULL, stage TEXT NOT NULL, seat INTEGER NOT NULL,
                        expert TEXT NOT NULL, request_hash TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT,
                        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL,
                        cost REAL NOT NULL, error TEXT, attempts INTEGER NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (run_id, instance_id, stage, seat));
                    CREATE TABLE results (
                        run_id TEXT NOT NULL, instance_id TEXT NOT NULL, position INTEGER NOT NULL, status TEXT NOT NULL,
                        correct INTEGER, cost REAL NOT NULL, call_count INTEGER NOT NULL, failed_calls INTEGER NOT NULL,
                        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (run_id, instance_id));
                    CREATE INDEX results_by_position ON results(run_id, position);
                    CREATE TABLE response_cache (
                        request_hash TEXT PRIMARY KEY, body TEXT NOT NULL, created_at REAL NOT NULL);
                    """
            )
        }
        migrator.registerMigration("v2: an instance's status is its result's") { db in
            try db.execute(sql: "ALTER TABLE instances DROP COLUMN status; ALTER TABLE instances DROP COLUMN failure_reason;")
        }
        migrator.registerMigration("v3: versioned expert profiles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE profiles (
                        expert TEXT NOT NULL, version INTEGER NOT NULL, run_id TEXT NOT NULL, dataset TEXT NOT NULL,
                        measured_at REAL NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (expert, version));
                    """
            )
        }
        migrator.registerMigration("v4: the model extractor's cache") { db in
            try db.execute(
                sql: """
                    CREATE TABLE extractions (
                        text_hash TEXT NOT NULL, extractor TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (text_hash, extractor));
                    """
            )
        }
        migrator.registerMigration("v5: calls name their round, role and mode") { db in
            try db.execute(
                sql: """
                    CREATE TABLE calls_v5 (
                        run_id TEXT NOT NULL, instance_id TEXT NOT NULL, stage TEXT NOT NULL,
                        round INTEGER NOT NULL DEFAULT 0, seat INTEGER NOT NULL, role TEXT, mode TEXT,
                        expert TEXT NOT NULL, request_hash TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT,
                        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL,
                        cost REAL NOT NULL, error TEXT, attempts INTEGER NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (run_id, instance_id, stage, round, seat));
                    INSERT INTO calls_v5 (run_id, instance_id, stage, seat, expert, request_hash, prompt, response,
                        input_tokens, output_tokens, latency_ms, cost, error, attempts, created_at)
                    SELECT run_id, instance_id, stage, seat, expert, request_hash, prompt, response,
                        input_tokens, output_tokens, latency_ms, cost, error, attempts, created_at FROM calls;
                    DROP TABLE calls;
                    ALTER TABLE calls_v5 RENAME TO calls;
                    """
            )
        }
        migrator.registerMigration("v6: the job queue") { db in
            try db.execute(
                sql: """
                    CREATE TABLE jobs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, pipeline TEXT NOT NULL,
                        idempotency_key TEXT UNIQUE, cancelled INTEGER NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL);
                    CREATE TABLE job_instances (
                        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, instance_id TEXT NOT NULL,
                        position INTEGER NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, lease_owner TEXT,
                        lease_expires REAL, attempts INTEGER NOT NULL,
                        PRIMARY KEY (job_id, instance_id));
                    CREATE INDEX job_instances_claimable ON job_instances(state, lease_expires);
                    """
            )
        }
        return migrator
    }

    // MARK: runs

    public func beginRun(_ run: RunInfo) throws -> RunInfo {
        try pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [run.id]) == nil {
                try db.execute(
                    sql: """
                        INSERT INTO runs (id, pipeline, pipeline_path, dataset, status, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        run.id, run.pipeline, run.pipelinePath, run.dataset, run.status.rawValue,
                        run.createdAt.timeIntervalSince1970, run.createdAt.timeIntervalSince1970,
                    ]
                )
            } else {
                try db.execute(
                    sql: "UPDATE runs SET status = 'running', updated_at = ? WHERE id = ?",
                    arguments: [Date().timeIntervalSince1970, run.id]
                )
            }
        }
        return try self.run(run.id)!
    }

    public func finishRun(_ id: String, status: RunInfo.Status, loads: Int, unloads: Int) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE runs SET status = ?, updated_at = ?, model_loads = model_loads + ?, model_unloads = model_unloads + ?
                    WHERE id = ?
                    """,
                arguments: [status.rawValue, Date().timeIntervalSince1970, loads, unloads, id]
            )
        }
    }

    public func runs() throws -> [RunInfo] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id FROM runs ORDER BY created_at DESC").compactMap { try Self.runInfo(db, id: $0["id"]) }
        }
    }

    public func run(_ id: String) throws -> RunInfo? {
        try pool.read { db in try Self.runInfo(db, id: id) }
    }

    private static func runInfo(_ db: Database, id: String) throws -> RunInfo? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
        var info = RunInfo(
            id: row["id"],
            pipeline: row["pipeline"],
            pipelinePath: row["pipeline_path"],
            dataset: row["dataset"],
            status: RunInfo.Status(rawValue: row["status"]) ?? .failed,
            createdAt: Date(timeIntervalSince1970: row["created_at"])
        )
        info.updatedAt = Date(timeIntervalSince1970: row["updated_at"])
        info.modelLoads = row["model_loads"]
        info.modelUnloads = row["model_unloads"]
        info.instances = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE run_id = ?", arguments: [id]) ?? 0
        if let totals = try Row.fetchOne(
            db,
            sql: """
                SELECT SUM(status = 'answered') AS answered, SUM(status = 'failed') AS failed, COUNT(correct) AS graded,
                       SUM(correct) AS correct, SUM(cost) AS cost, SUM(call_count) AS calls, SUM(failed_calls) AS failed_calls,
                       SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens
                FROM results WHERE run_id = ?
                """,
            arguments: [id]
        ) {
            info.answered = totals["answered"] ?? 0
            info.failed = totals["failed"] ?? 0
            info.graded = totals["graded"] ?? 0
            info.correct = totals["correct"] ?? 0
            info.cost = totals["cost"] ?? 0
            info.calls = totals["calls"] ?? 0
            info.failedCalls = totals["failed_calls"] ?? 0
            info.inputTokens = totals["input_tokens"] ?? 0
            info.outputTokens = totals["output_tokens"] ?? 0
        }
        return info
    }

    // MARK: decisions

    public func decisions(run: String, instances: [String]) throws -> [String: Decision] {
        try pool.read { db in
            var found: [String: Decision] = [:]
            for row in try Self.rows(db, "SELECT instance_id, body FROM decisions", run: run, instances: instances) {
                found[row["instance_id"]] = try decoder.decode(Decision.self, from: Data((row["body"] as String).utf8))
            }
            return found
        }
    }

    public func saveDecisions(run: String, _ decisions: [NewDecision]) throws {
        guard !decisions.isEmpty else { return }
        let bodies = decisions.map(\.decision.storeJSONBytes)
        try pool.write { db in try Self.insert(decisions, bodies: bodies, run: run, db) }
    }

    private static func insert(_ decisions: [NewDecision], bodies: [[UInt8]], run: String, _ db: Database) throws {
        let instance = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO instances (run_id, instance_id, position, question) VALUES (?, ?, ?, ?)"
        )
        let decision = try db.cachedStatement(sql: "INSERT OR REPLACE INTO decisions (run_id, instance_id, body) VALUES (?, ?, ?)")
        // Fields are read in place: a copy of each entry would retain every part of its decision.
        for index in decisions.indices {
            try RowInsert.execute(instance) { row in
                row.bind(run)
                row.bind(decisions[index].decision.instanceID)
                row.bind(decisions[index].position)
                row.bind(decisions[index].question)
            }
            try RowInsert.execute(decision) { row in
                row.bind(run)
                row.bind(decisions[index].decision.instanceID)
                row.bind(utf8: bodies[index])
            }
        }
    }

    /// Unlike the other writes, this one waits for GRDB's writer without holding its caller's thread: the
    /// gateway's log and recruited requests write here while the same threads serve HTTP, so a commit and
    /// its fsync must not hold one of them. The per-call writes block instead: for a run, the hop to the
    /// writer cost 6–8% of `conclave-bench store`'s calls/s (measured, alternated).
    public func saveWindow(run: String, decisions: [NewDecision], calls: [StoredCall], results: [NewResult]) async throws {
        let decisionBodies = decisions.map(\.decision.storeJSONBytes)
        let resultBodies = results.map(\.result.resultsJSONBytes)
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            try Self.insert(decisions, bodies: decisionBodies, run: run, db)
            try Self.insert(calls, at: now, run: run, db)
            try Self.insert(results, bodies: resultBodies, run: run, db)
        }
    }

    // MARK: calls

    public func completedCalls(run: String, instances: [String]) throws -> [CallKey: CallRecord] {
        try pool.read { db in
            var found: [CallKey: CallRecord] = [:]
            for row in try Self.rows(db, "SELECT * FROM calls", where: "error IS NULL", run: run, instances: instances) {
                found[try Self.key(row)] = try Self.record(row)
            }
            return found
        }
    }

    public func saveCalls(run: String, _ calls: [StoredCall]) throws {
        let now = Date().timeIntervalSince1970
        try pool.write { db in try Self.insert(calls, at: now, run: run, db) }
    }

    private static func insert(_ calls: [StoredCall], at now: Double, run: String, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO calls (run_id, instance_id, stage, round, seat, role, mode, expert, request_hash,
                    prompt, response, input_tokens, output_tokens, latency_ms, cost, error, attempts, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for index in calls.indices {
            try RowInsert.execute(statement) { row in
                row.bind(run)
                row.bind(calls[index].key.instanceID)
                row.bind(calls[index].key.stage.rawValue)
                row.bind(calls[index].key.round)
                row.bind(calls[index].key.seat ?? -1)
                row.bind(calls[index].record.role)
                row.bind(calls[index].record.mode?.rawValue)
                row.bind(calls[index].record.expert)
                row.bind(calls[index].requestHash)
                row.bind(calls[index].promptJSON)
                row.bind(calls[index].record.text)
                row.bind(calls[index].record.inputTokens)
                row.bind(calls[index].record.outputTokens)
                row.bind(calls[index].record.latencyMs)
                row.bind(calls[index].record.cost)
                row.bind(calls[index].record.error)
                row.bind(calls[index].record.attempts)
                row.bind(now)
            }
        }
    }

    public func spent(run: String) throws -> Spend {
        try pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT TOTAL(cost) AS cost, TOTAL(input_tokens + output_tokens) AS tokens FROM calls WHERE run_id = ?",
                arguments: [run]
            )
            return Spend(cost: row?["cost"] ?? 0, tokens: Int((row?["tokens"] as Double?) ?? 0))
        }
    }

    public func calls(run: String, instance: String) throws -> [StoredCall] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM calls WHERE run_id = ? AND instance_id = ? ORDER BY stage DESC, round, seat",
                arguments: [run, instance]
            ).map { row in
                StoredCall(
                    key: try Self.key(row),
                    requestHash: row["request_hash"],
                    prompt: (try? decoder.decode([ChatMessage].self, from: Data((row["prompt"] as String).utf8))) ?? [],
                    record: try Self.record(row),
                    savedAt: Date(timeIntervalSince1970: row["created_at"])
                )
            }
        }
    }

    /// The `calls` table keeps the seat as an integer, −1 for none.
    private static func key(_ row: Row) throws -> CallKey {
        CallKey(instanceID: row["instance_id"], stage: try stage(row), round: row["round"], seat: seat(row))
    }

    private static func record(_ row: Row) throws -> CallRecord {
        CallRecord(
            stage: try stage(row),
            expert: row["expert"],
            seat: seat(row),
            text: row["response"],
            inputTokens: row["input_tokens"],
            outputTokens: row["output_tokens"],
            latencyMs: row["latency_ms"],
            cost: row["cost"],
            attempts: row["attempts"],
            error: row["error"],
            round: row["round"],
            role: row["role"],
            mode: (row["mode"] as String?).flatMap(CollaborationMode.init(rawValue:))
        )
    }

    private static func seat(_ row: Row) -> Int? {
        let seat: Int = row["seat"]
        return seat < 0 ? nil : seat
    }

    private static func stage(_ row: Row) throws -> Stage {
        let name: String = row["stage"]
        guard let stage = Stage(rawValue: name) else { throw UnknownStage(name: name) }
        return stage
    }

    // MARK: results

    public func answeredInstances(run: String, among ids: [String]) throws -> Set<String> {
        try pool.read { db in
            Set(
                try Self.rows(db, "SELECT instance_id FROM results", where: "status = 'answered'", run: run, instances: ids)
                    .map { $0["instance_id"] as String }
            )
        }
    }

    public func saveResults(run: String, _ results: [NewResult]) throws {
        let bodies = results.map(\.result.resultsJSONBytes)
        try pool.write { db in try Self.insert(results, bodies: bodies, run: run, db) }
    }

    private static func insert(_ results: [NewResult], bodies: [[UInt8]], run: String, _ db: Database) throws {
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO results (run_id, instance_id, position, status, correct, cost, call_count, failed_calls,
                    input_tokens, output_tokens, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for index in results.indices {
            try RowInsert.execute(insert) { row in
                row.bind(run)
                row.bind(results[index].result.id)
                row.bind(results[index].position)
                row.bind(results[index].result.status.rawValue)
                row.bind(results[index].result.correct.map { $0 ? 1 : 0 })
                row.bind(results[index].result.cost)
                row.bind(results[index].result.callCount)
                row.bind(results[index].result.failedCallCount)
                row.bind(results[index].result.inputTokens)
                row.bind(results[index].result.outputTokens)
                row.bind(utf8: bodies[index])
            }
        }
    }

    public func forEachResult(run: String, _ body: (InstanceResult) throws -> Void) throws {
        try forEachResultJSON(run: run) { try body(try resultDecoder.decode(InstanceResult.self, from: Data($0.utf8))) }
    }

    public func forEachResultJSON(run: String, _ body: (String) throws -> Void) throws {
        try pool.read { db in
            let cursor = try String.fetchCursor(db, sql: "SELECT body FROM results WHERE run_id = ? ORDER BY position", arguments: [run])
            while let text = try cursor.next() { try body(text) }
        }
    }

    public func resultsPage(run: String, after: Int, limit: Int) throws -> (lines: [String], last: Int?) {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT position, body FROM results WHERE run_id = ? AND position > ? ORDER BY position LIMIT ?",
                arguments: [run, after, max(0, limit)]
            )
            return (rows.map { $0["body"] }, rows.last.map { $0["position"] })
        }
    }

    public func result(run: String, instance: String) throws -> InstanceResult? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM results WHERE run_id = ? AND instance_id = ?", arguments: [run, instance])
                .map { try resultDecoder.decode(InstanceResult.self, from: Data($0.utf8)) }
        }
    }

    // MARK: profiles

    public func saveProfile(_ record: ProfileRecord) throws -> ProfileRecord {
        try pool.write { db in
            var saved = record
            saved.version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM profiles WHERE expert = ?", arguments: [record.expert]) ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO profiles (expert, version, run_id, dataset, measured_at, body) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    saved.expert, saved.version, saved.runID, saved.dataset, saved.measuredAt.timeIntervalSince1970,
                    String(decoding: try encoder.encode(saved), as: UTF8.self),
                ]
            )
            return saved
        }
    }

    public func profiles(expert: String) throws -> [ProfileRecord] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM profiles WHERE expert = ? ORDER BY version DESC", arguments: [expert])
                .map { try decoder.decode(ProfileRecord.self, from: Data($0.utf8)) }
        }
    }

    // MARK: extractions

    public func cachedExtractions(extractor: String, textHashes: [String]) throws -> [String: SkillExtraction] {
        try pool.read { db in
            var found: [String: SkillExtraction] = [:]
            for chunk in textHashes.chunked(500) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT text_hash, body FROM extractions WHERE extractor = ? AND text_hash IN (\(placeholders))",
                    arguments: StatementArguments([extractor] + chunk)
                ) {
                    found[row["text_hash"]] = try decoder.decode(SkillExtraction.self, from: Data((row["body"] as String).utf8))
                }
            }
            return found
        }
    }

    public func cacheExtractions(extractor: String, _ entries: [CachedExtraction]) throws {
        guard !entries.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        let bodies = try entries.map { String(decoding: try encoder.encode($0.extraction), as: UTF8.self) }
        try pool.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO extractions (text_hash, extractor, body, created_at) VALUES (?, ?, ?, ?)"
            )
            for (entry, body) in zip(entries, bodies) { try insert.execute(arguments: [entry.textHash, extractor, body, now]) }
        }
    }

    // MARK: cache

    public func cachedResponse(_ requestHash: String) throws -> CallRecord? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM response_cache WHERE request_hash = ?", arguments: [requestHash])
                .map { try decoder.decode(CallRecord.self, from: Data($0.utf8)) }
        }
    }

    public func cacheResponse(_ requestHash: String, _ record: CallRecord) throws {
        let body = String(decoding: try encoder.encode(record), as: UTF8.self)
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO response_cache (request_hash, body, created_at) VALUES (?, ?, ?)",
                arguments: [requestHash, body, Date().timeIntervalSince1970]
            )
        }
    }

    /// `select … WHERE run_id = ? [AND condition] AND instance_id IN (…)` over any number of instances,
    /// in chunks that stay under SQLite's limit on bound parameters.
    private static func rows(_ db: Database, _ select: String, where condition: String? = nil, run: String, instances: [String]) throws -> [Row] {
        let filter = condition.map { " AND \($0)" } ?? ""
        return try instances.chunked(500).flatMap { chunk in
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            return try Row.fetchAll(
                db,
                sql: "\(select) WHERE run_id = ?\(filter) AND instance_id IN (\(placeholders))",
                arguments: StatementArguments([run] + chunk)
            )
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// A stored call names a stage this version of Conclave does not know (a store written by a newer one).
public struct UnknownStage: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "the store holds a call of unknown stage '\(name)'; it was written by another version of Conclave" }
}
