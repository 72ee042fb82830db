import Synchronization

/// Group commit: callers hand in work and wait until it is durable; work that arrives while a
/// transaction is committing goes into the next transaction together. One caller alone commits at once;
/// many callers share transactions, so throughput grows with concurrency while every caller still
/// returns only after its own work is committed.
///
/// ```swift
/// let committer = GroupCommitter<StoredCall> { batch in try store.saveCalls(run: id, batch) }
/// try await committer.submit(call)
/// ```
public final class GroupCommitter<Item: Sendable>: Sendable {
    /// The work waiting for the next transaction, and whether a caller is committing now.
    private struct Queue {
        var pending: [(Item, CheckedContinuation<Void, Error>)] = []
        var committing = false
    }

    private let queue = Mutex(Queue())
    private let commit: @Sendable ([Item]) throws -> Void

    public init(commit: @escaping @Sendable ([Item]) throws -> Void) { self.commit = commit }

    /// Returns once `item` is committed; throws what the commit threw.
    public func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let leads = queue.withLock { queue -> Bool in
                queue.pending.append((item, continuation))
                if queue.committing { return false }
                queue.committing = true
                return true
            }
            if leads { drain() }
        }
    }

    /// Commits batches until nothing is pending; run by the caller that found no commit in progress.
    private func drain() {
        while true {
            let batch = queue.withLock { queue -> [(Item, CheckedContinuation<Void, Error>)] in
                let taken = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                if taken.isEmpty { queue.committing = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                try commit(batch.map(\.0))
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
    }
}
