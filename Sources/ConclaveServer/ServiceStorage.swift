import ConclaveCore
import ConclaveStore
import Foundation
import PostgresNIO

/// Opens the queue and the run store a `ServiceStore` names, for as long as a body runs: both in one
/// SQLite file, or both in one PostgreSQL database, whose client runs beside the body and stops after it.
///
/// ```swift
/// try await ServiceStorage.with(spec.store) { queue, store in
///     let server = JobServer(spec: spec, pipelines: pipelines, queue: queue, store: store, connector: connector, tokens: tokens)
///     try await ServiceGroup(services: [server.workers, server.gatewayLog, server.application()], logger: logger).run()
/// }
/// ```
public enum ServiceStorage {
    public static func with<Result: Sendable>(
        _ location: ServiceStore,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (any JobQueue, any RunStore) async throws -> Result
    ) async throws -> Result {
        func opened<Value>(_ open: () async throws -> Value) async throws -> Value {
            do { return try await open() } catch { throw OpenError(store: location, reason: String(reflecting: error)) }
        }
        switch location {
        case .sqlite(let path):
            let (queue, store) = try await opened { (try SQLiteJobQueue(path: path), try SQLiteRunStore(path: path)) }
            return try await body(queue, store)
        case .postgres(let address):
            let client = PostgresClient(configuration: configuration(address, environment: environment))
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                let (queue, store) = try await opened { (try await PostgresJobQueue.open(client), try await PostgresRunStore.open(client)) }
                return try await body(queue, store)
            }
        }
    }

    /// The store could not be opened (an unreadable file, an unreachable or refusing database).
    public struct OpenError: Error, CustomStringConvertible {
        public var store: ServiceStore
        public var reason: String
        public var description: String { "cannot open the store \(store): \(reason)" }
    }

    /// The client configuration for `address`, its password from PGPASSWORD when the URL has none.
    public static func configuration(_ address: PostgresAddress, environment: [String: String]) -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: address.host,
            port: address.port,
            username: address.user,
            password: address.password ?? environment["PGPASSWORD"],
            database: address.database,
            tls: .disable
        )
    }
}
