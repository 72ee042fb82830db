import ConclaveCore
import Foundation
import GRDB
import Synchronization

/// The job queue in the same SQLite file as the runs (`conclave serve` on one host, no other server): one
/// writer at a time, so a claim is a transaction that picks the oldest claimable instances and leases them.
/// Its methods are synchronous (SQLite answers in microseconds); they satisfy the protocol's async ones.
///
/// ```swift
/// let queue = try SQLiteJobQueue(path: "runs/conclave.sqlite")
/// let claimed = try queue.claim(worker: "w1", limit: 16, lease: .seconds(30), pipelines: ["quickstart"])
/// ```
public final class SQLiteJobQueue: JobQueue {
    private let pool: DatabasePool
    private let expired = Mutex(0)
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    public init(path: String, durability: Durability = .full) throws {
        pool = try SQLiteRunStore.openPool(path: path, durability: durability)
    }

    public var expiredLeases: Int { expired.withLock { $0 } }

    public func submit(_ submission: JobSubmission) throws -> (job: JobInfo, created: Bool) {
        let bodies = try submission.instances.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let created: (String, Bool) = try pool.write { db in
            if let key = submission.idempotencyKey,
                let existing = try String.fetchOne(db, sql: "SELECT id FROM jobs WHERE idempotency_key = ?", arguments: [key])
            {
                return (existing, false)
            }
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: "INSERT INTO jobs (id, pipeline, idempotency_key, cancelled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
                arguments: [submission.id, submission.pipeline, submission.idempotencyKey, now, now]
            )
            let statement = try db.cachedStatement(
                sql: "INSERT INTO job_instances (job_id, instance_id, position, body, state, attempts) VALUES (?, ?, ?, ?, 'pending', 0)"
            )
            for (position, (instance, body)) in zip(submission.instances, bodies).enumerated() {
                try statement.execute(arguments: [submission.id, instance.id, position, body])
            }
            return (submission.id, true)
        }
        guard let job = try job(created.0) else { throw JobQueueError(message: "job \(created.0) vanished after it was submitted") }
        return (job, created.1)
    }

    public func job(_ id: String) throws -> JobInfo? {
        try pool.read { db in try Self.info(db, id: id) }
    }

    public func jobs(status: JobInfo.Status?, pipeline: String?, limit: Int) throws -> [JobInfo] {
        try pool.read { db in
            var sql = "SELECT id FROM jobs"
            var arguments: StatementArguments = []
            if let pipeline {
                sql += " WHERE pipeline = ?"
                arguments += [pipeline]
            }
            sql += " ORDER BY seq DESC"
            let infos = try String.fetchAll(db, sql: sql, arguments: arguments).compactMap { try Self.info(db, id: $0) }
            return Array(infos.filter { status == nil || $0.status == status }.prefix(max(0, limit)))
        }
    }

    public func cancel(_ id: String) throws -> JobInfo? {
        try pool.write { db in
            try db.execute(sql: "UPDATE jobs SET cancelled = 1, updated_at = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, id])
            try db.execute(sql: "UPDATE job_instances SET state = 'cancelled' WHERE job_id = ? AND state = 'pending'", arguments: [id])
        }
        return try job(id)
    }

    public func claim(worker: String, limit: Int, lease: Duration, pipelines: [String]) throws -> [ClaimedInstance] {
        guard limit > 0, !pipelines.isEmpty else { return [] }
        let now = Date().timeIntervalSince1970
        var reclaimed = 0
        let claimed: [ClaimedInstance] = try pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.job_id, i.instance_id, i.position, i.body, i.attempts, i.state, j.pipeline
                    FROM job_instances i JOIN jobs j ON j.id = i.job_id
                    WHERE j.cancelled = 0 AND j.pipeline IN (\(pipelines.map { _ in "?" }.joined(separator: ", ")))
                      AND (i.state = 'pending' OR (i.state = 'leased' AND i.lease_expires < ?))
                    ORDER BY j.seq, i.position
                    LIMIT ?
                    """,
                arguments: StatementArguments(pipelines + [now] as [any DatabaseValueConvertible]) + [limit]
            )
            let update = try db.cachedStatement(
                sql: """
                    UPDATE job_instances SET state = 'leased', lease_owner = ?, lease_expires = ?, attempts = attempts + 1
                    WHERE job_id = ? AND instance_id = ?
                    """
            )
            return try rows.compactMap { row in
                let body: String = row["body"]
                guard let instance = try? decoder.decode(Instance.self, from: Data(body.utf8)) else { return nil }
                if (row["state"] as String) == "leased" { reclaimed += 1 }
                try update.execute(arguments: [worker, now + lease.inSeconds, row["job_id"], row["instance_id"]])
                return ClaimedInstance(
                    jobID: row["job_id"],
                    pipeline: row["pipeline"],
                    position: row["position"],
                    instance: instance,
                    attempts: (row["attempts"] as Int) + 1
                )
            }
        }
        if reclaimed > 0 { expired.withLock { $0 += reclaimed } }
        return claimed
    }

    public func heartbeat(worker: String, jobID: String, instanceIDs: [String], lease: Duration) throws -> Int {
        try held(worker: worker, jobID: jobID, instanceIDs: instanceIDs, set: "lease_expires = ?", [Date().timeIntervalSince1970 + lease.inSeconds])
    }

    public func finish(worker: String, jobID: String, instanceIDs: [String]) throws -> Int {
        try held(worker: worker, jobID: jobID, instanceIDs: instanceIDs, set: "state = 'done', lease_owner = NULL, lease_expires = NULL", [])
    }

    public func pendingCount() throws -> Int {
        let now = Date().timeIntervalSince1970
        return try pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM job_instances i JOIN jobs j ON j.id = i.job_id
                    WHERE j.cancelled = 0 AND (i.state = 'pending' OR (i.state = 'leased' AND i.lease_expires < ?))
                    """,
                arguments: [now]
            ) ?? 0
        }
    }

    /// Updates the instances of a job that `worker` still leases; returns how many.
    private func held(worker: String, jobID: String, instanceIDs: [String], set: String, _ values: [any DatabaseValueConvertible]) throws -> Int {
        guard !instanceIDs.isEmpty else { return 0 }
        return try pool.write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE job_instances SET \(set) WHERE job_id = ? AND instance_id = ? AND state = 'leased' AND lease_owner = ?"
            )
            var count = 0
            for id in instanceIDs {
                try statement.execute(arguments: StatementArguments(values + [jobID, id, worker]))
                count += db.changesCount
            }
            try db.execute(sql: "UPDATE jobs SET updated_at = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, jobID])
            return count
        }
    }

    private static func info(_ db: Database, id: String) throws -> JobInfo? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else { return nil }
        var info = JobInfo(
            id: row["id"],
            pipeline: row["pipeline"],
            status: .queued,
            idempotencyKey: row["idempotency_key"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
        for count in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job_instances WHERE job_id = ? GROUP BY state", arguments: [id]) {
            let n: Int = count["n"]
            switch count["state"] as String {
            case "pending": info.pending = n
            case "leased": info.leased = n
            case "done": info.done = n
            default: info.cancelled = n
            }
        }
        info.instances = info.pending + info.leased + info.done + info.cancelled
        info.status =
            (row["cancelled"] as Int) != 0
            ? .cancelled : info.pending + info.leased == 0 ? .completed : info.leased + info.done > 0 ? .running : .queued
        return info
    }
}

/// A queue operation that cannot go on.
public struct JobQueueError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
