import ConclaveCore
import Foundation
import Testing

@testable import ConclaveStore

/// The job queue's contract: submission and idempotency, claims in order with leases, expiry and
/// reclaiming, heartbeats and finishing only by the lease holder, cancellation, concurrent claimers that
/// never share an instance. Written against the `JobQueue` protocol; `SQLiteJobQueueTests` and
/// `PostgresJobQueueTests` run it on each store.
enum JobQueueContract {
    static func instances(_ count: Int, prefix: String = "q") -> [Instance] {
        (0..<count).map { Instance(id: "\(prefix)\($0)", text: "Question \($0)?", choices: ["yes", "no"], gold: "A") }
    }

    static func aSubmittedJobIsQueuedAndAnIdempotentResubmitReturnsIt(_ queue: any JobQueue) async throws {
        let (job, created) = try await queue.submit(JobSubmission(id: "j1", pipeline: "p", instances: instances(3), idempotencyKey: "k"))
        #expect(created && job.status == .queued && job.instances == 3 && job.pending == 3)
        let (again, createdAgain) = try await queue.submit(JobSubmission(id: "j2", pipeline: "p", instances: instances(5), idempotencyKey: "k"))
        #expect(!createdAgain && again.id == "j1" && again.instances == 3)
        #expect(try await queue.job("j2") == nil)
        #expect(try await queue.jobs(status: nil, pipeline: nil, limit: 10).map(\.id) == ["j1"])
    }

    static func claimsTakeTheOldestJobFirstLeaseAndDoNotOverlap(_ queue: any JobQueue) async throws {
        _ = try await queue.submit(JobSubmission(id: "old", pipeline: "p", instances: instances(3, prefix: "o")))
        _ = try await queue.submit(JobSubmission(id: "new", pipeline: "p", instances: instances(3, prefix: "n")))
        _ = try await queue.submit(JobSubmission(id: "other", pipeline: "q", instances: instances(2)))
        let first = try await queue.claim(worker: "w1", limit: 4, lease: .seconds(30), pipelines: ["p"])
        #expect(first.map(\.instance.id) == ["o0", "o1", "o2", "n0"])
        #expect(first.allSatisfy { $0.attempts == 1 && $0.pipeline == "p" } && first.map(\.position) == [0, 1, 2, 0])
        let second = try await queue.claim(worker: "w2", limit: 10, lease: .seconds(30), pipelines: ["p"])
        #expect(second.map(\.instance.id) == ["n1", "n2"], "no instance is claimed twice while leased")
        #expect(try await queue.job("new")?.status == .running)
        #expect(try await queue.job("other")?.status == .queued)
        #expect(try await queue.pendingCount() == 2)
        #expect(try await queue.claim(worker: "w3", limit: 10, lease: .seconds(30), pipelines: []).isEmpty)
    }

    static func anExpiredLeaseIsClaimedAgainAndOnlyTheHolderFinishes(_ queue: any JobQueue) async throws {
        _ = try await queue.submit(JobSubmission(id: "j", pipeline: "p", instances: instances(2)))
        let dead = try await queue.claim(worker: "dead", limit: 2, lease: .milliseconds(500), pipelines: ["p"])
        #expect(dead.count == 2)
        #expect(try await queue.claim(worker: "alive", limit: 2, lease: .seconds(30), pipelines: ["p"]).isEmpty)
        try await Task.sleep(for: .milliseconds(600))
        let taken = try await queue.claim(worker: "alive", limit: 2, lease: .seconds(30), pipelines: ["p"])
        #expect(taken.map(\.instance.id) == ["q0", "q1"] && taken.allSatisfy { $0.attempts == 2 })
        #expect(queue.expiredLeases == 2)
        #expect(try await queue.heartbeat(worker: "dead", jobID: "j", instanceIDs: ["q0", "q1"], lease: .seconds(30)) == 0)
        #expect(try await queue.finish(worker: "dead", jobID: "j", instanceIDs: ["q0"]) == 0, "a worker that lost its lease finishes nothing")
        #expect(try await queue.heartbeat(worker: "alive", jobID: "j", instanceIDs: ["q0", "q1"], lease: .seconds(30)) == 2)
        #expect(try await queue.finish(worker: "alive", jobID: "j", instanceIDs: ["q0", "q1"]) == 2)
        let job = try #require(try await queue.job("j"))
        #expect(job.status == .completed && job.done == 2 && job.leased == 0)
    }

    static func aHeartbeatKeepsTheLeaseAlive(_ queue: any JobQueue) async throws {
        _ = try await queue.submit(JobSubmission(id: "j", pipeline: "p", instances: instances(1)))
        _ = try await queue.claim(worker: "w", limit: 1, lease: .milliseconds(400), pipelines: ["p"])
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await queue.heartbeat(worker: "w", jobID: "j", instanceIDs: ["q0"], lease: .milliseconds(400)) == 1)
        }
        #expect(try await queue.claim(worker: "other", limit: 1, lease: .seconds(1), pipelines: ["p"]).isEmpty)
    }

    static func concurrentClaimersNeverShareAnInstance(_ queue: any JobQueue) async throws {
        _ = try await queue.submit(JobSubmission(id: "big", pipeline: "p", instances: instances(200)))
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in ["w1", "w2", "w3"] {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let claimed = try await queue.claim(worker: worker, limit: 7, lease: .seconds(30), pipelines: ["p"])
                        if claimed.isEmpty { return mine }
                        mine += claimed.map(\.instance.id)
                        try await queue.finish(worker: worker, jobID: "big", instanceIDs: claimed.map(\.instance.id))
                    }
                }
            }
            var all: [[String]] = []
            for try await mine in group { all.append(mine) }
            return all
        }
        let every = claims.flatMap { $0 }
        #expect(every.count == 200 && Set(every).count == 200, "each instance claimed exactly once")
        #expect(try await queue.job("big")?.status == .completed)
    }

    static func cancellingStopsPendingInstancesAndLetsClaimedOnesFinish(_ queue: any JobQueue) async throws {
        _ = try await queue.submit(JobSubmission(id: "j", pipeline: "p", instances: instances(4)))
        let claimed = try await queue.claim(worker: "w", limit: 1, lease: .seconds(30), pipelines: ["p"])
        let cancelled = try #require(try await queue.cancel("j"))
        #expect(cancelled.status == .cancelled && cancelled.cancelled == 3 && cancelled.leased == 1)
        #expect(try await queue.claim(worker: "w2", limit: 10, lease: .seconds(30), pipelines: ["p"]).isEmpty)
        #expect(try await queue.finish(worker: "w", jobID: "j", instanceIDs: claimed.map(\.instance.id)) == 1)
        #expect(try await queue.cancel("missing") == nil)
        #expect(try await queue.jobs(status: .cancelled, pipeline: "p", limit: 5).map(\.id) == ["j"])
    }
}

/// The contract on the SQLite queue (a file in a temporary folder).
@Suite struct SQLiteJobQueueTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-queue-\(UUID().uuidString)")

    func queue() throws -> any JobQueue { try SQLiteJobQueue(path: folder.appendingPathComponent("queue.sqlite").path) }

    @Test func submission() async throws { try await JobQueueContract.aSubmittedJobIsQueuedAndAnIdempotentResubmitReturnsIt(try queue()) }
    @Test func claims() async throws { try await JobQueueContract.claimsTakeTheOldestJobFirstLeaseAndDoNotOverlap(try queue()) }
    @Test func expiry() async throws { try await JobQueueContract.anExpiredLeaseIsClaimedAgainAndOnlyTheHolderFinishes(try queue()) }
    @Test func heartbeat() async throws { try await JobQueueContract.aHeartbeatKeepsTheLeaseAlive(try queue()) }
    @Test func concurrency() async throws { try await JobQueueContract.concurrentClaimersNeverShareAnInstance(try queue()) }
    @Test func cancelling() async throws { try await JobQueueContract.cancellingStopsPendingInstancesAndLetsClaimedOnesFinish(try queue()) }
}
