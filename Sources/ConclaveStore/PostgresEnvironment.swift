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
}
