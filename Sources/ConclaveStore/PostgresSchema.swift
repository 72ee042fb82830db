import Logging
import PostgresNIO

/// Schema migrations on PostgreSQL: named steps applied once each, in order, each in the transaction that
/// records it in `conclave_migrations`. An advisory lock makes processes that start together migrate one
/// at a time, so many workers can open the same database at once.
///
/// ```swift
/// try await PostgresSchema.migrate(client, steps: [("runs v1", ["CREATE TABLE runs (…)"])], logger: logger)
/// ```
enum PostgresSchema {
    /// One migration: its name (recorded once applied) and its statements.
    typealias Step = (name: String, statements: [String])

    static func migrate(_ client: PostgresClient, steps: [Step], logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4242001)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS conclave_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())",
                logger: logger
            )
            var applied: Set<String> = []
            for try await (name) in try await connection.query("SELECT name FROM conclave_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for step in steps where !applied.contains(step.name) {
                for statement in step.statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO conclave_migrations (name) VALUES (\(step.name))", logger: logger)
            }
        }
    }
}
