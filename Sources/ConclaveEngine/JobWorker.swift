import ConclaveCore
import ConclaveStore
import Foundation
import Synchronization

/// A worker of the job service: claims instances from the queue with a lease, answers them through the
/// same run session `conclave run` uses (each job is a run in the store, under the job's id, so an
/// instance claimed again after its worker died never repeats a completed call), renews its leases while
/// it works, and marks them finished. It stops claiming when asked to stop and returns once the instances
/// it holds are finished.
///
/// ```swift
/// let worker = JobWorker(name: "w1", queue: queue, store: store, connector: connector, pipelines: ["quickstart": loaded])
/// try await worker.run(stop: stop)
/// ```
public final class JobWorker: Sendable {
    public let name: String
    let queue: any JobQueue
    let store: any RunStore
    let connector: any ExpertConnector
    let pipelines: [String: LoadedPipeline]
    let observer: any RunObserver
    /// Instances claimed at once (the micro-batch a job's window is made of).
    public let batch: Int
    public let lease: Duration
    /// How long an idle worker waits before asking the queue again.
    public let pollInterval: Duration
    /// The models this worker left resident, carried from one batch to the next so the planner's memory
    /// budget holds across them.
    private let resident = Mutex<ResidentSet?>(nil)
    /// The jobs whose run this worker has begun in the store (once each: beginning one reads its totals).
    private let begun = Mutex<Set<String>>([])

    public init(
        name: String,
        queue: any JobQueue,
        store: any RunStore,
        connector: any ExpertConnector,
        pipelines: [String: LoadedPipeline],
        observer: any RunObserver = SilentObserver(),
        batch: Int = 32,
        lease: Duration = .seconds(30),
        pollInterval: Duration = .milliseconds(200)
    ) {
        self.name = name
        self.queue = queue
        self.store = store
        self.connector = connector
        self.pipelines = pipelines
        self.observer = observer
        self.batch = max(1, batch)
        self.lease = lease
        self.pollInterval = pollInterval
    }

    /// Claims and answers instances until `stop` is requested (or the task is cancelled).
    public func run(stop: StopSignal) async throws {
        let names = pipelines.keys.sorted()
        while !stop.isRequested, !Task.isCancelled {
            let claimed = try await queue.claim(worker: name, limit: batch, lease: lease, pipelines: names)
            if claimed.isEmpty {
                try? await Task.sleep(for: pollInterval)
                continue
            }
            try await answer(claimed)
        }
    }

    /// Answers claimed instances job by job, renewing their leases until each job's part is finished.
    public func answer(_ claimed: [ClaimedInstance]) async throws {
        var jobs: [String] = []
        var byJob: [String: [ClaimedInstance]] = [:]
        for entry in claimed {
            if byJob[entry.jobID] == nil { jobs.append(entry.jobID) }
            byJob[entry.jobID, default: []].append(entry)
        }
        for job in jobs {
            guard let part = byJob[job], let first = part.first, let pipeline = pipelines[first.pipeline] else { continue }
            let ids = part.map(\.instance.id)
            let heartbeat = Task { [queue, name, lease] in
                while !Task.isCancelled {
                    try await Task.sleep(for: lease / 3)
                    try await queue.heartbeat(worker: name, jobID: job, instanceIDs: ids, lease: lease)
                }
            }
            defer { heartbeat.cancel() }
            if !begun.withLock({ $0.contains(job) }) {
                _ = try await store.beginRun(
                    RunInfo(
                        id: job,
                        pipeline: pipeline.spec.name,
                        pipelinePath: pipeline.spec.file.path,
                        dataset: "job \(job)",
                        status: .running,
                        createdAt: Date()
                    )
                )
                begun.withLock { _ = $0.insert(job) }
            }
            var session = RunSession(
                pipeline: pipeline,
                connector: connector,
                store: store,
                observer: observer,
                runID: job,
                mode: .answer,
                stop: StopSignal(),
                spent: pipeline.spec.budget.isLimited ? try await store.spent(run: job) : .zero
            )
            if let carried = resident.withLock({ $0 }) { session.resident = carried }
            try await session.process(part.map { ($0.position, $0.instance) }, resuming: true)
            resident.withLock { [session] in $0 = session.resident }
            try await queue.finish(worker: name, jobID: job, instanceIDs: ids)
            if let info = try await queue.job(job), info.status == .completed || info.status == .cancelled {
                try await store.finishRun(job, status: .completed, loads: session.loads, unloads: session.unloads)
            }
        }
    }
}
