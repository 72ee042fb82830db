import AsyncHTTPClient
import ConclaveServer
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a `JobServer` (its workers, its gateway log, its API on a free port, and any other services
/// given) while a test talks to it, then shuts it down gracefully, whether the test passed or not.
enum RunningServer {
    static func with(_ server: JobServer, alongside services: [any Service] = [], _ body: (String, HTTPClient) async throws -> Void) async throws {
        let port = Mutex<Int?>(nil)
        let group = ServiceGroup(
            services: services + [server.workers, server.gatewayLog, server.application { bound in port.withLock { $0 = bound } }],
            logger: Logger(label: "test")
        )
        let client = HTTPClient.conclave()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            do {
                try await body("http://127.0.0.1:\(port.withLock { $0 } ?? 0)", client)
            } catch {
                await group.triggerGracefulShutdown()
                try? await client.shutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await client.shutdown()
    }
}
