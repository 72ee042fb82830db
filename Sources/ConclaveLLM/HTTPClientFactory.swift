import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The HTTP client Conclave uses for every model endpoint. A refused or failed connection fails at once
    /// (instead of AsyncHTTPClient re-dialling until the connect timeout), because `RetryPolicy` decides when
    /// to try again; up to 64 connections per host so large `max_concurrency` values are honoured.
    /// Call `shutdown()` when done.
    ///
    /// ```swift
    /// let client = HTTPClient.conclave(connectTimeout: .seconds(5))
    /// defer { Task { try await client.shutdown() } }
    /// ```
    public static func conclave(connectTimeout: Duration = .seconds(5)) -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: connectTimeout.timeAmount))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
