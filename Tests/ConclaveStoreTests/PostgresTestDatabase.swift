import Foundation
import PostgresNIO
import Testing

@testable import ConclaveStore

/// A fresh database on the PostgreSQL server `scripts/test.sh` starts with pg_virtualenv (a throwaway
/// cluster whose address and credentials are in PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE), so
/// each test starts empty.
enum PostgresTestDatabase {
    /// Runs `body` with a running client on a new database, then stops the client.
    static func withClient(_ body: (PostgresClient) async throws -> Void) async throws {
        guard let server = PostgresEnvironment() else {
            Issue.record("PostgreSQL tests need a server: run them through scripts/test.sh, which starts one with pg_virtualenv")
            return
        }
        let name = "conclave_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresClient(configuration: server.configuration())
        let client = PostgresClient(configuration: server.configuration(database: name))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            group.addTask { await client.run() }
            do {
                try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
                try await body(client)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }
}
