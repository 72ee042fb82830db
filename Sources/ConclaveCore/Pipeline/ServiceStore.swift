import Foundation

/// Where the job service keeps its queue and its runs: one SQLite file (the default: one host, no other
/// server), or a PostgreSQL database that workers on many hosts share.
///
/// ```yaml
/// store: runs/service.sqlite                              # SQLite, relative to conclave.yaml
/// store: postgres://conclave@db.internal:5432/conclave   # PostgreSQL; the password from PGPASSWORD
/// ```
public enum ServiceStore: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// The store as it may be logged: a path, or the database's address without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL database named by a `postgres://user[:password]@host[:port]/database` URL. Without a
/// password in the URL, the one in the PGPASSWORD environment variable is used when connecting, so the
/// configuration file need not hold it. Connections are plain TCP (`sslmode=disable`), for a database on
/// a trusted network.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Whether `text` is meant as a PostgreSQL URL (rather than a SQLite path).
    public static func isURL(_ text: String) -> Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// Reads a `postgres://` URL, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<PostgresAddress, AddressError> {
        guard let components = URLComponents(string: text), isURL(text) else {
            return .failure(AddressError("is not a URL of the form postgres://user@host:port/database"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(AddressError("names no host")) }
        guard let user = components.user, !user.isEmpty else { return .failure(AddressError("names no user (postgres://user@host/database)")) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { return .failure(AddressError("names no database (postgres://user@host/database)")) }
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", item.value == "disable" else {
                return .failure(
                    AddressError(
                        "has an unsupported option '\(item.name)=\(item.value ?? "")' (only sslmode=disable: TLS to PostgreSQL is not supported)"
                    )
                )
            }
        }
        if let port = components.port, !(1...65_535).contains(port) { return .failure(AddressError("has a port outside 1…65535")) }
        return .success(
            PostgresAddress(host: host, port: components.port ?? 5432, user: user, password: components.password, database: database)
        )
    }

    /// The address without the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// Why a `postgres://` URL cannot be used.
    public struct AddressError: Error, Sendable, Hashable {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
