import Testing

@testable import ConclaveServer

/// `Departures`, without a network: a request is cancelled when its client leaves, during its work or
/// just before it registers, and not after the connection's identity was given back.
@Suite struct DeparturesTests {
    /// A stand-in for a connection: only its identity matters.
    final class Connection {}

    /// Work that runs until cancelled (then throws), or returns after 10 s.
    static func longWork() async throws -> String {
        try await Task.sleep(for: .seconds(10))
        return "done"
    }

    @Test func aClientThatLeavesDuringTheWorkCancelsIt() async throws {
        let departures = Departures()
        let kept = Connection()
        let connection = ObjectIdentifier(kept)
        let work = Task { try await departures.cancelling(connection: connection, open: true, Self.longWork) }
        try await Task.sleep(for: .milliseconds(50))
        departures.left(connection)
        await #expect(throws: CancellationError.self) { try await work.value }
        withExtendedLifetime(kept) {}
    }

    @Test func aClientThatLeftBeforeTheWorkRegisteredOrAClosedConnectionCancelsItAtOnce() async throws {
        let departures = Departures()
        let kept = (Connection(), Connection())
        let (connection, closed) = (ObjectIdentifier(kept.0), ObjectIdentifier(kept.1))
        departures.left(connection)
        await #expect(throws: CancellationError.self) { try await departures.cancelling(connection: connection, open: true, Self.longWork) }
        await #expect(throws: CancellationError.self) { try await departures.cancelling(connection: closed, open: false, Self.longWork) }
        withExtendedLifetime(kept) {}
    }

    @Test func workEndsNormallyAndAClosedConnectionsIdentityIsForgotten() async throws {
        let departures = Departures()
        let kept = Connection()
        let connection = ObjectIdentifier(kept)
        #expect(try await departures.cancelling(connection: connection, open: true) { "done" } == "done")
        departures.left(connection)
        departures.closed(connection)
        // A new connection with the same identity starts afresh.
        #expect(try await departures.cancelling(connection: connection, open: true) { "again" } == "again")
        withExtendedLifetime(kept) {}
    }
}
