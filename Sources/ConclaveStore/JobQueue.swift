import ConclaveCore
import Foundation

/// A job as the queue knows it: which pipeline, how its instances stand, and when it was submitted.
public struct JobInfo: Sendable, Hashable, Codable {
    /// Queued: nothing claimed yet; running: some instance claimed or finished; completed: every instance
    /// finished; cancelled: no new instance starts (those in flight finish).
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case queued, running, completed, cancelled }

    public var id: String
    public var pipeline: String
    public var status: Status
    public var idempotencyKey: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var instances = 0
    /// Instances by state: pending (not claimed, or claimed by a worker whose lease expired), leased, done
    /// (answered or failed: see the results), cancelled.
    public var pending = 0
    public var leased = 0
    public var done = 0
    public var cancelled = 0

    public init(id: String, pipeline: String, status: Status, idempotencyKey: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.pipeline = pipeline
        self.status = status
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An instance a worker holds a lease on: its job, its pipeline, its place in the job and how many times
/// it has been claimed (more than once: an earlier worker's lease expired).
public struct ClaimedInstance: Sendable, Hashable {
    public var jobID: String
    public var pipeline: String
    public var position: Int
    public var instance: Instance
    public var attempts: Int

    public init(jobID: String, pipeline: String, position: Int, instance: Instance, attempts: Int) {
        self.jobID = jobID
        self.pipeline = pipeline
        self.position = position
        self.instance = instance
        self.attempts = attempts
    }
}

/// The job service's durable queue: jobs of instances that workers claim with leases. A worker renews its
/// leases while it works (`heartbeat`) and marks each instance finished; a worker that dies stops renewing,
/// and once its leases expire another worker claims the instances again. Results and calls go to the run
/// store under the job's id as run id, so an instance claimed again never repeats a completed call.
///
/// ```swift
/// let (job, _) = try await queue.submit(JobSubmission(id: "job-1", pipeline: "quickstart", instances: instances))
/// let claimed = try await queue.claim(worker: "w1", limit: 16, lease: .seconds(30), pipelines: ["quickstart"])
/// try await queue.finish(worker: "w1", jobID: job.id, instanceIDs: claimed.map(\.instance.id))
/// ```
public protocol JobQueue: Sendable {
    /// Adds a job; with an idempotency key already used, returns that job instead (`created` false).
    func submit(_ submission: JobSubmission) async throws -> (job: JobInfo, created: Bool)
    func job(_ id: String) async throws -> JobInfo?
    /// Jobs newest first, optionally only those with a status or of a pipeline.
    func jobs(status: JobInfo.Status?, pipeline: String?, limit: Int) async throws -> [JobInfo]
    /// Stops a job: its pending instances are cancelled; claimed ones finish. Nil for an unknown job.
    func cancel(_ id: String) async throws -> JobInfo?
    /// Claims up to `limit` instances of the given pipelines (pending ones, and ones whose lease expired),
    /// oldest job first, for `lease`.
    func claim(worker: String, limit: Int, lease: Duration, pipelines: [String]) async throws -> [ClaimedInstance]
    /// Extends the worker's leases on these instances of a job; returns how many it still held.
    @discardableResult
    func heartbeat(worker: String, jobID: String, instanceIDs: [String], lease: Duration) async throws -> Int
    /// Marks instances the worker still holds as done; returns how many it still held.
    @discardableResult
    func finish(worker: String, jobID: String, instanceIDs: [String]) async throws -> Int
    /// Instances waiting to be claimed, over all jobs (the queue depth).
    func pendingCount() async throws -> Int
    /// Leases that expired before their worker finished, since the queue was opened.
    var expiredLeases: Int { get }
}

/// A job to submit: its id, the pipeline that answers it, the instances, and the client's idempotency key.
public struct JobSubmission: Sendable {
    public var id: String
    public var pipeline: String
    public var instances: [Instance]
    public var idempotencyKey: String?

    public init(id: String, pipeline: String, instances: [Instance], idempotencyKey: String? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.instances = instances
        self.idempotencyKey = idempotencyKey
    }
}
