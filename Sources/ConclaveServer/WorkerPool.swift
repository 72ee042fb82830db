import ConclaveEngine
import ServiceLifecycle
import Synchronization

/// The workers a process runs, as one service: they claim and answer until the group shuts down
/// gracefully, then stop claiming and finish the instances they hold.
///
/// ```swift
/// let pool = WorkerPool(workers: [worker1, worker2])
/// // in a ServiceGroup: SIGTERM drains it
/// ```
public final class WorkerPool: Service, Sendable {
    public let workers: [JobWorker]
    private let running = Mutex(false)

    public init(workers: [JobWorker]) { self.workers = workers }

    /// Whether the workers are running (for `/readyz`).
    public var isRunning: Bool { running.withLock { $0 } }

    public func run() async throws {
        // With no worker (`serve` beside separate `conclave worker` processes) the pool just waits for the
        // group to end: a service that returns early would end the group.
        guard !workers.isEmpty else { return try await gracefulShutdown() }
        let stop = StopSignal()
        running.withLock { $0 = !workers.isEmpty }
        defer { running.withLock { $0 = false } }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { try await worker.run(stop: stop) } }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            stop.request()
        }
    }
}
