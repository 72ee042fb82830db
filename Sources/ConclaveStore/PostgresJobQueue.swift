import ConclaveCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The job queue on PostgreSQL, for workers on many hosts: a claim is one statement that picks the oldest
/// claimable instances with `FOR UPDATE SKIP LOCKED` (two workers never take the same row, and neither
/// waits for the other) and leases them until the database's own clock passes the lease, so hosts whose
/// clocks disagree still agree on expiry. The pattern River, Oban and graphile-worker use.
///
/// ```swift
/// let client = PostgresClient(configuration: .init(host: "db", username: "conclave", password: "…", database: "conclave", tls: .disable))
/// Task { await client.run() }                  // or run it as a service of the group
/// let queue = try await PostgresJobQueue.open(client)
/// let claimed = try await queue.claim(worker: "host-1", limit: 16, lease: .seconds(30), pipelines: ["quickstart"])
/// ```
public final class PostgresJobQueue: JobQueue {
    private let client: PostgresClient
    private let expired = Mutex(0)
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    private let logger = Logger(label: "conclave.queue")

    private init(client: PostgresClient) { self.client = client }

    /// The queue over `client` (which must be running), creating its tables when they do not exist.
    public static func open(_ client: PostgresClient) async throws -> PostgresJobQueue {
        let queue = PostgresJobQueue(client: client)
        try await queue.migrate()
        return queue
    }

    private func migrate() async throws {
        try await PostgresSchema.migrate(
            client,
            steps: [
                (
                    "queue v1: jobs and their instances",
                    [
                        """
                        CREATE TABLE IF NOT EXISTS jobs (
                            seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, pipeline TEXT NOT NULL, idempotency_key TEXT UNIQUE,
                            cancelled BOOLEAN NOT NULL DEFAULT FALSE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                            updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())
                        """,
                        """
                        CREATE TABLE IF NOT EXISTS job_instances (
                            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, instance_id TEXT NOT NULL,
                            position INTEGER NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, lease_owner TEXT,
                            lease_expires TIMESTAMPTZ, attempts INTEGER NOT NULL DEFAULT 0,
                            PRIMARY KEY (job_id, instance_id))
                        """,
                        "CREATE INDEX IF NOT EXISTS job_instances_claimable ON job_instances (state, lease_expires)",
                    ]
                )
            ],
            logger: logger
        )
    }

    public var expiredLeases: Int { expired.withLock { $0 } }

    public func submit(_ submission: JobSubmission) async throws -> (job: JobInfo, created: Bool) {
        let bodies = try submission.instances.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let ids = submission.instances.map(\.id)
        let positions = Array(0..<submission.instances.count)
        let (id, created) = try await client.withTransaction(logger: logger) { connection -> (String, Bool) in
            let inserted = try await connection.query(
                """
                INSERT INTO jobs (id, pipeline, idempotency_key) VALUES (\(submission.id), \(submission.pipeline), \(submission.idempotencyKey))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """,
                logger: logger
            )
            var newID: String?
            for try await (id) in inserted.decode(String.self) { newID = id }
            guard let newID else {
                let existing = try await connection.query(
                    "SELECT id FROM jobs WHERE idempotency_key = \(submission.idempotencyKey)",
                    logger: logger
                )
                for try await (id) in existing.decode(String.self) { return (id, false) }
                throw JobQueueError(message: "the idempotency key matched no job")
            }
            try await connection.query(
                """
                INSERT INTO job_instances (job_id, instance_id, position, body, state)
                SELECT \(newID), unnest(\(ids)::text[]), unnest(\(positions)::int[]), unnest(\(bodies)::text[]), 'pending'
                """,
                logger: logger
            )
            return (newID, true)
        }
        guard let job = try await job(id) else { throw JobQueueError(message: "job \(id) vanished after it was submitted") }
        return (job, created)
    }

    public func job(_ id: String) async throws -> JobInfo? {
        let rows = try await client.query(
            """
            SELECT id, pipeline, idempotency_key, cancelled, extract(epoch FROM created_at)::float8, extract(epoch FROM updated_at)::float8
            FROM jobs WHERE id = \(id)
            """,
            logger: logger
        )
        var info: JobInfo?
        for try await (id, pipeline, key, cancelled, created, updated) in rows.decode((String, String, String?, Bool, Double, Double).self) {
            info = JobInfo(
                id: id,
                pipeline: pipeline,
                status: cancelled ? .cancelled : .queued,
                idempotencyKey: key,
                createdAt: Date(timeIntervalSince1970: created),
                updatedAt: Date(timeIntervalSince1970: updated)
            )
        }
        guard var info else { return nil }
        let counts = try await client.query("SELECT state, count(*)::int FROM job_instances WHERE job_id = \(id) GROUP BY state", logger: logger)
        for try await (state, count) in counts.decode((String, Int).self) {
            switch state {
            case "pending": info.pending = count
            case "leased": info.leased = count
            case "done": info.done = count
            default: info.cancelled = count
            }
        }
        info.instances = info.pending + info.leased + info.done + info.cancelled
        if info.status != .cancelled {
            info.status = info.pending + info.leased == 0 ? .completed : info.leased + info.done > 0 ? .running : .queued
        }
        return info
    }

    public func jobs(status: JobInfo.Status?, pipeline: String?, limit: Int) async throws -> [JobInfo] {
        let rows =
            if let pipeline {
                try await client.query("SELECT id FROM jobs WHERE pipeline = \(pipeline) ORDER BY seq DESC", logger: logger)
            } else {
                try await client.query("SELECT id FROM jobs ORDER BY seq DESC", logger: logger)
            }
        var ids: [String] = []
        for try await (id) in rows.decode(String.self) { ids.append(id) }
        var found: [JobInfo] = []
        for id in ids where found.count < max(0, limit) {
            if let info = try await job(id), status == nil || info.status == status { found.append(info) }
        }
        return found
    }

    public func cancel(_ id: String) async throws -> JobInfo? {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("UPDATE jobs SET cancelled = TRUE, updated_at = clock_timestamp() WHERE id = \(id)", logger: logger)
            try await connection.query(
                "UPDATE job_instances SET state = 'cancelled' WHERE job_id = \(id) AND state = 'pending'",
                logger: logger
            )
        }
        return try await job(id)
    }

    public func claim(worker: String, limit: Int, lease: Duration, pipelines: [String]) async throws -> [ClaimedInstance] {
        guard limit > 0, !pipelines.isEmpty else { return [] }
        let rows = try await client.query(
            """
            UPDATE job_instances i
            SET state = 'leased', lease_owner = \(worker), lease_expires = clock_timestamp() + make_interval(secs => \(lease.inSeconds)),
                attempts = i.attempts + 1
            FROM (
                SELECT c.job_id, c.instance_id, c.state AS previous, j.seq, j.pipeline
                FROM job_instances c JOIN jobs j ON j.id = c.job_id
                WHERE NOT j.cancelled AND j.pipeline = ANY(\(pipelines)::text[])
                  AND (c.state = 'pending' OR (c.state = 'leased' AND c.lease_expires < clock_timestamp()))
                ORDER BY j.seq, c.position
                LIMIT \(limit)
                FOR UPDATE OF c SKIP LOCKED
            ) picked
            WHERE i.job_id = picked.job_id AND i.instance_id = picked.instance_id
            RETURNING i.job_id, picked.pipeline, i.position, i.body, i.attempts, picked.previous, picked.seq
            """,
            logger: logger
        )
        var claimed: [(seq: Int, entry: ClaimedInstance)] = []
        var reclaimed = 0
        for try await (job, pipeline, position, body, attempts, previous, seq) in rows.decode((String, String, Int, String, Int, String, Int).self) {
            guard let instance = try? decoder.decode(Instance.self, from: Data(body.utf8)) else { continue }
            if previous == "leased" { reclaimed += 1 }
            claimed.append((seq, ClaimedInstance(jobID: job, pipeline: pipeline, position: position, instance: instance, attempts: attempts)))
        }
        if reclaimed > 0 { expired.withLock { $0 += reclaimed } }
        return claimed.sorted { ($0.seq, $0.entry.position) < ($1.seq, $1.entry.position) }.map(\.entry)
    }

    public func heartbeat(worker: String, jobID: String, instanceIDs: [String], lease: Duration) async throws -> Int {
        try await count(
            client.query(
                """
                UPDATE job_instances SET lease_expires = clock_timestamp() + make_interval(secs => \(lease.inSeconds))
                WHERE job_id = \(jobID) AND instance_id = ANY(\(instanceIDs)::text[]) AND state = 'leased' AND lease_owner = \(worker)
                RETURNING instance_id
                """,
                logger: logger
            )
        )
    }

    public func finish(worker: String, jobID: String, instanceIDs: [String]) async throws -> Int {
        let finished = try await count(
            client.query(
                """
                UPDATE job_instances SET state = 'done', lease_owner = NULL, lease_expires = NULL
                WHERE job_id = \(jobID) AND instance_id = ANY(\(instanceIDs)::text[]) AND state = 'leased' AND lease_owner = \(worker)
                RETURNING instance_id
                """,
                logger: logger
            )
        )
        try await client.query("UPDATE jobs SET updated_at = clock_timestamp() WHERE id = \(jobID)", logger: logger)
        return finished
    }

    public func pendingCount() async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM job_instances i JOIN jobs j ON j.id = i.job_id
            WHERE NOT j.cancelled AND (i.state = 'pending' OR (i.state = 'leased' AND i.lease_expires < clock_timestamp()))
            """,
            logger: logger
        )
        for try await (count) in rows.decode(Int.self) { return count }
        return 0
    }

    private func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
