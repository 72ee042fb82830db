import ConclaveCore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ConclaveStore

/// The queue's contract on a real PostgreSQL server (see `PostgresTestDatabase`).
@Suite(.serialized) struct PostgresJobQueueTests {
    func withQueue(_ body: (any JobQueue) async throws -> Void) async throws {
        try await PostgresTestDatabase.withClient { client in try await body(try await PostgresJobQueue.open(client)) }
    }

    @Test func submission() async throws { try await withQueue(JobQueueContract.aSubmittedJobIsQueuedAndAnIdempotentResubmitReturnsIt) }
    @Test func claims() async throws { try await withQueue(JobQueueContract.claimsTakeTheOldestJobFirstLeaseAndDoNotOverlap) }
    @Test func expiry() async throws { try await withQueue(JobQueueContract.anExpiredLeaseIsClaimedAgainAndOnlyTheHolderFinishes) }
    @Test func heartbeat() async throws { try await withQueue(JobQueueContract.aHeartbeatKeepsTheLeaseAlive) }
    @Test func concurrency() async throws { try await withQueue(JobQueueContract.concurrentClaimersNeverShareAnInstance) }
    @Test func cancelling() async throws { try await withQueue(JobQueueContract.cancellingStopsPendingInstancesAndLetsClaimedOnesFinish) }
}
