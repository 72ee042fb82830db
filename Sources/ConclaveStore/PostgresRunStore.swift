import ConclaveCore
import Foundation
import Logging
import PostgresNIO

/// The run store on PostgreSQL, for job workers on many hosts: runs, decisions, calls, results and the
/// caches in one database that every worker writes through, so a worker on another host resumes an
/// instance without repeating a completed call. Batches (a window's decisions, calls that finished
/// together, a window's results) go in as one statement each, their rows sent as one JSON array.
/// Each commit waits for PostgreSQL's own durability (`synchronous_commit` of the server).
///
/// ```swift
/// let client = PostgresClient(configuration: .init(host: "db", username: "conclave", password: "…", database: "conclave", tls: .disable))
/// Task { await client.run() }                  // or run it as a service of the group
/// let store = try await PostgresRunStore.open(client)
/// let run = try await store.beginRun(RunInfo(id: "r1", pipeline: "quickstart", pipelinePath: "p.yaml", dataset: "d.jsonl",
///                                            status: .running, createdAt: Date()))
/// ```
public final class PostgresRunStore: RunStore {
    private let client: PostgresClient
    private let logger = Logger(label: "conclave.store")
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private let decoder = JSONDecoder()
    /// Batches of rows go to PostgreSQL as JSON arrays whose keys are the column names.
    private let rowEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()
    /// Results are stored exactly as `results.jsonl` holds them, as in the SQLite store.
    private let resultDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    private init(client: PostgresClient) { self.client = client }

    /// The store over `client` (which must be running), creating its tables when they do not exist.
    public static func open(_ client: PostgresClient) async throws -> PostgresRunStore {
        let store = PostgresRunStore(client: client)
        try await PostgresSchema.migrate(client, steps: [Self.schema], logger: store.logger)
        return store
    }

    /// The tables of the SQLite store's schema, in PostgreSQL's types (times as epoch seconds, as there).
    private static let schema: PostgresSchema.Step = (
        "runs v1: runs, instances, decisions, calls, results, caches",
        [
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, pipeline_path TEXT NOT NULL, dataset TEXT NOT NULL,
                status TEXT NOT NULL, created_at FLOAT8 NOT NULL, updated_at FLOAT8 NOT NULL,
                model_loads BIGINT NOT NULL DEFAULT 0, model_unloads BIGINT NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE instances (
                run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, instance_id TEXT NOT NULL,
                position INTEGER NOT NULL, question TEXT NOT NULL, PRIMARY KEY (run_id, instance_id))
            """,
            """
            CREATE TABLE decisions (
                run_id TEXT NOT NULL, instance_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, instance_id),
                FOREIGN KEY (run_id, instance_id) REFERENCES instances(run_id, instance_id) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE calls (
                run_id TEXT NOT NULL, instance_id TEXT NOT NULL, stage TEXT NOT NULL, round INTEGER NOT NULL, seat INTEGER NOT NULL,
                role TEXT, mode TEXT, expert TEXT NOT NULL, request_hash TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT,
                input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, latency_ms FLOAT8 NOT NULL, cost FLOAT8 NOT NULL,
                error TEXT, attempts INTEGER NOT NULL, created_at FLOAT8 NOT NULL,
                PRIMARY KEY (run_id, instance_id, stage, round, seat))
            """,
            """
            CREATE TABLE results (
                run_id TEXT NOT NULL, instance_id TEXT NOT NULL, position INTEGER NOT NULL, status TEXT NOT NULL, correct BOOLEAN,
                cost FLOAT8 NOT NULL, call_count INTEGER NOT NULL, failed_calls INTEGER NOT NULL, input_tokens BIGINT NOT NULL,
                output_tokens BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, instance_id))
            """,
            "CREATE INDEX results_by_position ON results (run_id, position)",
            "CREATE TABLE response_cache (request_hash TEXT PRIMARY KEY, body TEXT NOT NULL, created_at FLOAT8 NOT NULL)",
            """
            CREATE TABLE extractions (
                text_hash TEXT NOT NULL, extractor TEXT NOT NULL, body TEXT NOT NULL, created_at FLOAT8 NOT NULL,
                PRIMARY KEY (text_hash, extractor))
            """,
        ]
    )

    // MARK: runs

    public func beginRun(_ run: RunInfo) async throws -> RunInfo {
        let created = run.createdAt.timeIntervalSince1970
        try await client.query(
            """
            INSERT INTO runs (id, pipeline, pipeline_path, dataset, status, created_at, updated_at)
            VALUES (\(run.id), \(run.pipeline), \(run.pipelinePath), \(run.dataset), \(run.status.rawValue), \(created), \(created))
            ON CONFLICT (id) DO UPDATE SET status = 'running', updated_at = \(Date().timeIntervalSince1970)
            """,
            logger: logger
        )
        guard let stored = try await self.run(run.id) else { throw PostgresStoreError(message: "run \(run.id) vanished after it began") }
        return stored
    }

    public func finishRun(_ id: String, status: RunInfo.Status, loads: Int, unloads: Int) async throws {
        try await client.query(
            """
            UPDATE runs SET status = \(status.rawValue), updated_at = \(Date().timeIntervalSince1970),
                model_loads = model_loads + \(loads), model_unloads = model_unloads + \(unloads)
            WHERE id = \(id)
            """,
            logger: logger
        )
    }

    public func runs() async throws -> [RunInfo] { try await runInfos(where: "TRUE") }

    public func run(_ id: String) async throws -> RunInfo? { try await runInfos(where: "r.id = $1", binding: id).first }

    /// Runs with their totals, newest first, in one query: `condition` filters `runs r` (its `$1` is
    /// `binding`).
    private func runInfos(where condition: String, binding: String? = nil) async throws -> [RunInfo] {
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT r.id, r.pipeline, r.pipeline_path, r.dataset, r.status, r.created_at, r.updated_at, r.model_loads, r.model_unloads,
                    (SELECT count(*) FROM instances WHERE run_id = r.id),
                    t.answered, t.failed, t.graded, t.correct, t.cost, t.calls, t.failed_calls, t.input_tokens, t.output_tokens
                FROM runs r, LATERAL (
                    SELECT count(*) FILTER (WHERE status = 'answered') AS answered, count(*) FILTER (WHERE status = 'failed') AS failed,
                        count(correct) AS graded, count(*) FILTER (WHERE correct) AS correct, coalesce(sum(cost), 0)::float8 AS cost,
                        coalesce(sum(call_count), 0)::int8 AS calls, coalesce(sum(failed_calls), 0)::int8 AS failed_calls,
                        coalesce(sum(input_tokens), 0)::int8 AS input_tokens, coalesce(sum(output_tokens), 0)::int8 AS output_tokens
                    FROM results WHERE run_id = r.id) t
                WHERE \(condition)
                ORDER BY r.created_at DESC
                """
        )
        if let binding { query.binds.append(binding) }
        typealias Columns = (String, String, String, String, String, Double, Double, Int, Int, Int, Int, Int, Int, Int, Double, Int, Int, Int, Int)
        var found: [RunInfo] = []
        for try await row in try await client.query(query, logger: logger).decode(Columns.self) {
            var info = RunInfo(
                id: row.0,
                pipeline: row.1,
                pipelinePath: row.2,
                dataset: row.3,
                status: RunInfo.Status(rawValue: row.4) ?? .failed,
                createdAt: Date(timeIntervalSince1970: row.5)
            )
            info.updatedAt = Date(timeIntervalSince1970: row.6)
            (info.modelLoads, info.modelUnloads, info.instances) = (row.7, row.8, row.9)
            (info.answered, info.failed, info.graded, info.correct, info.cost) = (row.10, row.11, row.12, row.13, row.14)
            (info.calls, info.failedCalls, info.inputTokens, info.outputTokens) = (row.15, row.16, row.17, row.18)
            found.append(info)
        }
        return found
    }

    // MARK: decisions

    public func decisions(run: String, instances: [String]) async throws -> [String: Decision] {
        try await bodies(
            "SELECT instance_id, body FROM decisions WHERE run_id = \(run) AND instance_id = ANY(\(instances)::text[])",
            as: Decision.self
        )
    }

    /// The rows of a `SELECT key, body` query, each body decoded from JSON, by key.
    private func bodies<Value: Decodable>(_ query: PostgresQuery, as type: Value.Type) async throws -> [String: Value] {
        var found: [String: Value] = [:]
        for try await (key, body) in try await client.query(query, logger: logger).decode((String, String).self) {
            found[key] = try decoder.decode(type, from: Data(body.utf8))
        }
        return found
    }

    public func saveDecisions(run: String, _ decisions: [NewDecision]) async throws {
        guard !decisions.isEmpty else { return }
        let queries = Self.queries(saving: decisions, run: run)
        try await client.withTransaction(logger: logger) { connection in
            for query in queries { try await connection.query(query, logger: logger) }
        }
    }

    /// The statements that save decisions: their instances, then the decisions.
    private static func queries(saving decisions: [NewDecision], run: String) -> [PostgresQuery] {
        let ids = decisions.map(\.decision.instanceID)
        let positions = decisions.map(\.position)
        let questions = decisions.map(\.question)
        let bodies = decisions.map(\.decision.storeJSON)
        return [
            """
            INSERT INTO instances (run_id, instance_id, position, question)
            SELECT \(run), unnest(\(ids)::text[]), unnest(\(positions)::int[]), unnest(\(questions)::text[])
            ON CONFLICT DO NOTHING
            """,
            """
            INSERT INTO decisions (run_id, instance_id, body) SELECT \(run), unnest(\(ids)::text[]), unnest(\(bodies)::text[])
            ON CONFLICT (run_id, instance_id) DO UPDATE SET body = EXCLUDED.body
            """,
        ]
    }

    public func saveWindow(run: String, decisions: [NewDecision], calls: [StoredCall], results: [NewResult]) async throws {
        var queries = decisions.isEmpty ? [] : Self.queries(saving: decisions, run: run)
        if !calls.isEmpty { queries.append(try query(saving: calls, run: run)) }
        if !results.isEmpty { queries.append(try query(saving: results, run: run)) }
        guard !queries.isEmpty else { return }
        try await client.withTransaction(logger: logger) { connection in
            for query in queries { try await connection.query(query, logger: logger) }
        }
    }

    // MARK: calls

    /// A call as one element of the JSON array a batch of calls is sent as: a nil field is left out and
    /// reads as NULL, which PostgreSQL's typed arrays cannot carry.
    private struct CallRow: Encodable {
        var instanceID: String
        var stage: String
        var round: Int
        var seat: Int
        var role: String?
        var mode: String?
        var expert: String
        var requestHash: String
        var prompt: String
        var response: String?
        var inputTokens: Int
        var outputTokens: Int
        var latencyMs: Double
        var cost: Double
        var error: String?
        var attempts: Int

        init(_ call: StoredCall) {
            let record = call.record
            instanceID = call.key.instanceID
            stage = call.key.stage.rawValue
            round = call.key.round
            seat = call.key.seat ?? -1
            role = record.role
            mode = record.mode?.rawValue
            expert = record.expert
            requestHash = call.requestHash
            prompt = call.promptJSON
            response = record.text
            inputTokens = record.inputTokens
            outputTokens = record.outputTokens
            latencyMs = record.latencyMs
            cost = record.cost
            error = record.error
            attempts = record.attempts
        }
    }

    public func saveCalls(run: String, _ calls: [StoredCall]) async throws {
        guard !calls.isEmpty else { return }
        try await client.query(try query(saving: calls, run: run), logger: logger)
    }

    /// The statement that saves calls, sent as one JSON array.
    private func query(saving calls: [StoredCall], run: String) throws -> PostgresQuery {
        let rows = String(decoding: try rowEncoder.encode(calls.map(CallRow.init)), as: UTF8.self)
        return """
            INSERT INTO calls (run_id, instance_id, stage, round, seat, role, mode, expert, request_hash, prompt, response,
                input_tokens, output_tokens, latency_ms, cost, error, attempts, created_at)
            SELECT \(run), c.instance_id, c.stage, c.round, c.seat, c.role, c.mode, c.expert, c.request_hash, c.prompt, c.response,
                c.input_tokens, c.output_tokens, c.latency_ms, c.cost, c.error, c.attempts, \(Date().timeIntervalSince1970)
            FROM json_to_recordset(\(rows)::json) AS c(instance_id text, stage text, round int, seat int, role text, mode text,
                expert text, request_hash text, prompt text, response text, input_tokens int8, output_tokens int8,
                latency_ms float8, cost float8, error text, attempts int)
            ON CONFLICT (run_id, instance_id, stage, round, seat) DO UPDATE SET role = EXCLUDED.role, mode = EXCLUDED.mode,
                expert = EXCLUDED.expert, request_hash = EXCLUDED.request_hash, prompt = EXCLUDED.prompt,
                response = EXCLUDED.response, input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
                latency_ms = EXCLUDED.latency_ms, cost = EXCLUDED.cost, error = EXCLUDED.error, attempts = EXCLUDED.attempts,
                created_at = EXCLUDED.created_at
            """
    }

    /// The columns a stored call is read back from, in this order.
    private static let callColumns = """
        instance_id, stage, round, seat, role, mode, expert, request_hash, prompt, response, input_tokens, output_tokens,
        latency_ms, cost, error, attempts, created_at
        """
    private typealias CallColumns = (
        String, String, Int, Int, String?, String?, String, String, String, String?, Int, Int, Double, Double, String?, Int, Double
    )

    private func storedCall(_ row: CallColumns) throws -> StoredCall {
        guard let stage = Stage(rawValue: row.1) else { throw UnknownStage(name: row.1) }
        let seat = row.3 < 0 ? nil : row.3
        return StoredCall(
            key: CallKey(instanceID: row.0, stage: stage, round: row.2, seat: seat),
            requestHash: row.7,
            prompt: (try? decoder.decode([ChatMessage].self, from: Data(row.8.utf8))) ?? [],
            record: CallRecord(
                stage: stage,
                expert: row.6,
                seat: seat,
                text: row.9,
                inputTokens: row.10,
                outputTokens: row.11,
                latencyMs: row.12,
                cost: row.13,
                attempts: row.15,
                error: row.14,
                round: row.2,
                role: row.4,
                mode: row.5.flatMap(CollaborationMode.init(rawValue:))
            ),
            savedAt: Date(timeIntervalSince1970: row.16)
        )
    }

    public func completedCalls(run: String, instances: [String]) async throws -> [CallKey: CallRecord] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.callColumns) FROM calls
            WHERE run_id = \(run) AND error IS NULL AND instance_id = ANY(\(instances)::text[])
            """,
            logger: logger
        )
        var found: [CallKey: CallRecord] = [:]
        for try await row in rows.decode(CallColumns.self) {
            let call = try storedCall(row)
            found[call.key] = call.record
        }
        return found
    }

    public func calls(run: String, instance: String) async throws -> [StoredCall] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.callColumns) FROM calls
            WHERE run_id = \(run) AND instance_id = \(instance) ORDER BY stage DESC, round, seat
            """,
            logger: logger
        )
        var found: [StoredCall] = []
        for try await row in rows.decode(CallColumns.self) { found.append(try storedCall(row)) }
        return found
    }

    public func spent(run: String) async throws -> Spend {
        let rows = try await client.query(
            "SELECT coalesce(sum(cost), 0)::float8, coalesce(sum(input_tokens + output_tokens), 0)::int8 FROM calls WHERE run_id = \(run)",
            logger: logger
        )
        for try await (cost, tokens) in rows.decode((Double, Int).self) { return Spend(cost: cost, tokens: tokens) }
        return .zero
    }

    // MARK: results

    public func answeredInstances(run: String, among ids: [String]) async throws -> Set<String> {
        let rows = try await client.query(
            "SELECT instance_id FROM results WHERE run_id = \(run) AND status = 'answered' AND instance_id = ANY(\(ids)::text[])",
            logger: logger
        )
        var found: Set<String> = []
        for try await (id) in rows.decode(String.self) { found.insert(id) }
        return found
    }

    /// A result as one element of the JSON array a window's results are sent as.
    private struct ResultRow: Encodable {
        var instanceID: String
        var position: Int
        var status: String
        var correct: Bool?
        var cost: Double
        var callCount: Int
        var failedCalls: Int
        var inputTokens: Int
        var outputTokens: Int
        var body: String

        init(_ entry: NewResult) {
            let result = entry.result
            instanceID = result.id
            position = entry.position
            status = result.status.rawValue
            correct = result.correct
            cost = result.cost
            callCount = result.callCount
            failedCalls = result.failedCallCount
            inputTokens = result.inputTokens
            outputTokens = result.outputTokens
            body = result.resultsJSON
        }
    }

    public func saveResults(run: String, _ results: [NewResult]) async throws {
        guard !results.isEmpty else { return }
        try await client.query(try query(saving: results, run: run), logger: logger)
    }

    /// The statement that saves results, sent as one JSON array.
    private func query(saving results: [NewResult], run: String) throws -> PostgresQuery {
        let rows = String(decoding: try rowEncoder.encode(results.map(ResultRow.init)), as: UTF8.self)
        return """
            INSERT INTO results (run_id, instance_id, position, status, correct, cost, call_count, failed_calls, input_tokens,
                output_tokens, body)
            SELECT \(run), r.instance_id, r.position, r.status, r.correct, r.cost, r.call_count, r.failed_calls, r.input_tokens,
                r.output_tokens, r.body
            FROM json_to_recordset(\(rows)::json) AS r(instance_id text, position int, status text, correct boolean, cost float8,
                call_count int, failed_calls int, input_tokens int8, output_tokens int8, body text)
            ON CONFLICT (run_id, instance_id) DO UPDATE SET position = EXCLUDED.position, status = EXCLUDED.status,
                correct = EXCLUDED.correct, cost = EXCLUDED.cost, call_count = EXCLUDED.call_count,
                failed_calls = EXCLUDED.failed_calls, input_tokens = EXCLUDED.input_tokens,
                output_tokens = EXCLUDED.output_tokens, body = EXCLUDED.body
            """
    }

    public func forEachResult(run: String, _ body: (InstanceResult) throws -> Void) async throws {
        try await forEachResultJSON(run: run) { try body(try resultDecoder.decode(InstanceResult.self, from: Data($0.utf8))) }
    }

    public func forEachResultJSON(run: String, _ body: (String) throws -> Void) async throws {
        let rows = try await client.query("SELECT body FROM results WHERE run_id = \(run) ORDER BY position", logger: logger)
        for try await (text) in rows.decode(String.self) { try body(text) }
    }

    public func resultsPage(run: String, after: Int, limit: Int) async throws -> (lines: [String], last: Int?) {
        let rows = try await client.query(
            "SELECT position, body FROM results WHERE run_id = \(run) AND position > \(after) ORDER BY position LIMIT \(max(0, limit))",
            logger: logger
        )
        var lines: [String] = []
        var last: Int?
        for try await (position, body) in rows.decode((Int, String).self) {
            lines.append(body)
            last = position
        }
        return (lines, last)
    }

    public func result(run: String, instance: String) async throws -> InstanceResult? {
        let rows = try await client.query("SELECT body FROM results WHERE run_id = \(run) AND instance_id = \(instance)", logger: logger)
        for try await (body) in rows.decode(String.self) { return try resultDecoder.decode(InstanceResult.self, from: Data(body.utf8)) }
        return nil
    }

    // MARK: caches

    public func cachedExtractions(extractor: String, textHashes: [String]) async throws -> [String: SkillExtraction] {
        try await bodies(
            "SELECT text_hash, body FROM extractions WHERE extractor = \(extractor) AND text_hash = ANY(\(textHashes)::text[])",
            as: SkillExtraction.self
        )
    }

    public func cacheExtractions(extractor: String, _ entries: [CachedExtraction]) async throws {
        guard !entries.isEmpty else { return }
        let hashes = entries.map(\.textHash)
        let bodies = try entries.map { String(decoding: try encoder.encode($0.extraction), as: UTF8.self) }
        try await client.query(
            """
            INSERT INTO extractions (text_hash, extractor, body, created_at)
            SELECT unnest(\(hashes)::text[]), \(extractor), unnest(\(bodies)::text[]), \(Date().timeIntervalSince1970)
            ON CONFLICT (text_hash, extractor) DO UPDATE SET body = EXCLUDED.body, created_at = EXCLUDED.created_at
            """,
            logger: logger
        )
    }

    public func cachedResponse(_ requestHash: String) async throws -> CallRecord? {
        let rows = try await client.query("SELECT body FROM response_cache WHERE request_hash = \(requestHash)", logger: logger)
        for try await (body) in rows.decode(String.self) { return try decoder.decode(CallRecord.self, from: Data(body.utf8)) }
        return nil
    }

    public func cacheResponse(_ requestHash: String, _ record: CallRecord) async throws {
        let body = String(decoding: try encoder.encode(record), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO response_cache (request_hash, body, created_at) VALUES (\(requestHash), \(body), \(Date().timeIntervalSince1970))
            ON CONFLICT (request_hash) DO UPDATE SET body = EXCLUDED.body, created_at = EXCLUDED.created_at
            """,
            logger: logger
        )
    }
}

/// The PostgreSQL store found itself inconsistent (a row it just wrote is missing).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
