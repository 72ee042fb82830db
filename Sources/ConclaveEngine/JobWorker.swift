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

    /// Answers claimed instances, renewing their leases until they are finished. The parts of different
    /// jobs of one pipeline share a window (their calls grouped per model together, so each model loads
    /// once for all of them) when their instance ids differ and the pipeline has no budget (budgets are per
    /// job); other parts get windows of their own.
    public func answer(_ claimed: [ClaimedInstance]) async throws {
        for window in Self.windows(claimed, pipelines: pipelines) {
            guard let first = window.first?.first, let pipeline = pipelines[first.pipeline] else { continue }
            let heartbeat = Task { [queue, name, lease] in
                while !Task.isCancelled {
                    try await Task.sleep(for: lease / 3)
                    for part in window {
                        try await queue.heartbeat(worker: name, jobID: part[0].jobID, instanceIDs: part.map(\.instance.id), lease: lease)
                    }
                }
            }
            defer { heartbeat.cancel() }
            for part in window { try await begin(part[0].jobID, pipeline: pipeline) }
            var lanes: [String: String] = [:]
            for part in window { for entry in part { lanes[entry.instance.id] = entry.jobID } }
            var session = RunSession(
                pipeline: pipeline,
                connector: connector,
                store: store,
                observer: observer,
                runID: first.jobID,
                mode: .answer,
                stop: StopSignal(),
                spent: pipeline.spec.budget.isLimited ? try await store.spent(run: first.jobID) : .zero,
                lanes: RunLanes(window.count > 1 ? lanes : [:])
            )
            if let carried = resident.withLock({ $0 }) { session.resident = carried }
            try await session.process(window.flatMap { $0.map { ($0.position, $0.instance) } }, resuming: true)
            resident.withLock { [session] in $0 = session.resident }
            for part in window {
                let job = part[0].jobID
                try await queue.finish(worker: name, jobID: job, instanceIDs: part.map(\.instance.id))
                if let info = try await queue.job(job), info.status == .completed || info.status == .cancelled {
                    try await store.finishRun(job, status: .completed, loads: session.loads, unloads: session.unloads)
                }
            }
        }
    }

    /// Begins the job's run in the store, once per worker.
    private func begin(_ job: String, pipeline: LoadedPipeline) async throws {
        guard !begun.withLock({ $0.contains(job) }) else { return }
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

    /// The claimed instances as windows of job parts: each part is one job's instances in claim order; a
    /// window holds parts of one pipeline whose instance ids are all different, unless the pipeline has a
    /// budget, whose parts stay alone.
    static func windows(_ claimed: [ClaimedInstance], pipelines: [String: LoadedPipeline]) -> [[[ClaimedInstance]]] {
        var jobs: [String] = []
        var parts: [String: [ClaimedInstance]] = [:]
        for entry in claimed {
            if parts[entry.jobID] == nil { jobs.append(entry.jobID) }
            parts[entry.jobID, default: []].append(entry)
        }
        var windows: [(pipeline: String, shareable: Bool, ids: Set<String>, parts: [[ClaimedInstance]])] = []
        for job in jobs {
            guard let part = parts[job], let pipeline = part.first?.pipeline else { continue }
            let ids = Set(part.map(\.instance.id))
            let shareable = pipelines[pipeline].map { !$0.spec.budget.isLimited } ?? false
            if shareable, let index = windows.firstIndex(where: { $0.shareable && $0.pipeline == pipeline && $0.ids.isDisjoint(with: ids) }) {
                windows[index].ids.formUnion(ids)
                windows[index].parts.append(part)
            } else {
                windows.append((pipeline, shareable, ids, [part]))
            }
        }
        return windows.map(\.parts)
    }
}
