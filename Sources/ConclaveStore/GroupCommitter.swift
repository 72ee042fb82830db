import Synchronization

/// Group commit: callers hand in work and wait until it is durable; work that arrives while a
/// transaction is committing goes into the next transaction together. One caller alone commits at once;
/// many callers share transactions, so throughput grows with concurrency while every caller still
/// returns only after its own work is committed.
///
/// ```swift
/// let committer = GroupCommitter<StoredCall> { batch in try await store.saveCalls(run: id, batch) }
/// try await committer.submit(call)
/// ```
public final class GroupCommitter<Item: Sendable>: Sendable {
    /// What a caller learns when it hands in its item: someone else committed it, or it must lead.
    private enum Turn { case committed, lead }
    private typealias Waiter = (Item, CheckedContinuation<Turn, Error>)

    /// The work waiting for the next transaction, and whether a caller is committing now.
    private struct Queue {
        var pending: [Waiter] = []
        var committing = false
    }

    private let queue = Mutex(Queue())
    private let commit: @Sendable ([Item]) async throws -> Void

    public init(commit: @escaping @Sendable ([Item]) async throws -> Void) { self.commit = commit }

    /// Returns once `item` is committed; throws what the commit threw.
    public func submit(_ item: Item) async throws {
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, Error>) in
            let waits = queue.withLock { queue -> Bool in
                if queue.committing {
                    queue.pending.append((item, continuation))
                    return true
                }
                queue.committing = true
                return false
            }
            if !waits { continuation.resume(returning: .lead) }
        }
        if turn == .lead { try await lead(with: item) }
    }

    /// Commits the leader's item with everything pending, then batches until nothing is pending; the
    /// leader's own failure is thrown once the others are answered.
    private func lead(with item: Item) async throws {
        var own: Item? = item
        var ownError: Error?
        while true {
            let waiters = queue.withLock { queue -> [Waiter] in
                let taken = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                if taken.isEmpty && own == nil { queue.committing = false }
                return taken
            }
            if waiters.isEmpty && own == nil { break }
            do {
                try await commit((own.map { [$0] } ?? []) + waiters.map(\.0))
                for (_, continuation) in waiters { continuation.resume(returning: .committed) }
            } catch {
                if own != nil { ownError = error }
                for (_, continuation) in waiters { continuation.resume(throwing: error) }
            }
            own = nil
        }
        if let ownError { throw ownError }
    }
}
