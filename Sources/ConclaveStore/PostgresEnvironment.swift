import ConclaveCore
import Foundation
import PostgresNIO

/// The PostgreSQL server the libpq variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as
/// `pg_virtualenv` sets them for the tests and benchmarks it wraps.
///
/// ```swift
/// guard let server = PostgresEnvironment() else { return }   // no PGHOST
/// let client = PostgresClient(configuration: server.configuration(database: "conclave_test"))
/// ```
public struct PostgresEnvironment: Sendable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    /// The database to connect to for administration (creating others).
    public var database: String

    /// Nil when PGHOST or PGUSER is not set.
    public init?(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let host = environment["PGHOST"], let user = environment["PGUSER"] else { return nil }
        self.host = host
        self.port = Int(environment["PGPORT"] ?? "") ?? 5432
        self.user = user
        self.password = environment["PGPASSWORD"]
        self.database = environment["PGDATABASE"] ?? "postgres"
    }

    /// A client configuration for `database` (default: the administration database), without TLS.
    public func configuration(database: String? = nil) -> PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database ?? self.database, tls: .disable)
    }

    /// The address of `database` on this server.
    public func address(database: String) -> PostgresAddress {
        PostgresAddress(host: host, port: port, user: user, password: password, database: database)
    }

    /// Creates a database with a fresh name starting with `prefix` (a benchmark's or a test's own), and
    /// returns its address.
    public func createDatabase(prefix: String) async throws -> PostgresAddress {
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresClient(configuration: configuration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            defer { group.cancelAll() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        return address(database: name)
    }
}
