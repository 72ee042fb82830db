import ServiceLifecycle

/// The runtime as a member of a `ServiceGroup`: it serves whatever the run loads until the group shuts
/// down gracefully (or is cancelled), then stops every `llama-server` it started, so no exit path leaves a
/// server behind.
///
/// ```swift
/// let group = ServiceGroup(services: [runtime, work], gracefulShutdownSignals: [.sigint], logger: logger)
/// try await group.run()   // the servers are stopped when `work` ends or on Ctrl-C
/// ```
extension LlamaRuntime: Service {
    public nonisolated func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
