import ConclaveCore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ConclaveStore

/// The queue's contract on a real PostgreSQL server: the one `scripts/test.sh` starts with pg_virtualenv
/// (a throwaway cluster whose address and credentials are in PGHOST, PGPORT, PGUSER, PGPASSWORD and
/// PGDATABASE). Each test gets a database of its own.
@Suite(.serialized) struct PostgresJobQueueTests {
    /// Runs `body` with a queue on a fresh database, and the clients' run loops while it does.
    func withQueue(_ body: (any JobQueue) async throws -> Void) async throws {
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
                try await body(try await PostgresJobQueue.open(client))
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    @Test func submission() async throws { try await withQueue(JobQueueContract.aSubmittedJobIsQueuedAndAnIdempotentResubmitReturnsIt) }
    @Test func claims() async throws { try await withQueue(JobQueueContract.claimsTakeTheOldestJobFirstLeaseAndDoNotOverlap) }
    @Test func expiry() async throws { try await withQueue(JobQueueContract.anExpiredLeaseIsClaimedAgainAndOnlyTheHolderFinishes) }
    @Test func heartbeat() async throws { try await withQueue(JobQueueContract.aHeartbeatKeepsTheLeaseAlive) }
    @Test func concurrency() async throws { try await withQueue(JobQueueContract.concurrentClaimersNeverShareAnInstance) }
    @Test func cancelling() async throws { try await withQueue(JobQueueContract.cancellingStopsPendingInstancesAndLetsClaimedOnesFinish) }
}
