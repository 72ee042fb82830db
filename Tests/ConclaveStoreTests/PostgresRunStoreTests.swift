import Testing

@testable import ConclaveStore

/// The run store's contract on a real PostgreSQL server (see `PostgresTestDatabase`), the same tests the
/// SQLite store passes.
@Suite(.serialized) struct PostgresRunStoreTests {
    func withStore(_ body: (any RunStore) async throws -> Void) async throws {
        try await PostgresTestDatabase.withClient { client in try await body(try await PostgresRunStore.open(client)) }
    }

    @Test func roundTrip() async throws { try await withStore(RunStoreContract.decisionsCallsAndResultsRoundTripAndTotalsAddUp) }
    @Test func history() async throws { try await withStore(RunStoreContract.responseCacheAndResumingARunKeepsItsHistory) }
    @Test func extractions() async throws { try await withStore(RunStoreContract.extractionsAreCachedPerTextAndExtractor) }
    @Test func pages() async throws { try await withStore(RunStoreContract.pagesFollowDatasetOrderAndARetriedCallReplacesItsFailure) }
    @Test func concurrency() async throws { try await withStore(RunStoreContract.concurrentWritersOfOneRunLoseNothing) }
    @Test func windows() async throws { try await withStore(RunStoreContract.aWindowSavedTogetherReadsBackAsSavedApart) }

    @Test func theQueueAndTheStoreShareOneDatabase() async throws {
        try await PostgresTestDatabase.withClient { client in
            let store = try await PostgresRunStore.open(client)
            let queue = try await PostgresJobQueue.open(client)
            _ = try await PostgresRunStore.open(client)  // opening again applies nothing twice
            try await RunStoreContract.responseCacheAndResumingARunKeepsItsHistory(store)
            #expect(try await queue.pendingCount() == 0)
        }
    }
}
