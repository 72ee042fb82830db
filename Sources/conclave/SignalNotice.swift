import ConclaveCore
import ConclaveLLM
import Foundation
import ServiceLifecycle
import UnixSignals

/// Watches SIGINT and SIGTERM beside the service group that acts on them: the first one is announced (the
/// group then shuts down gracefully); a second one kills every llama-server at once and exits with status
/// 130. It is the group's first service, so it stops last, after the servers.
struct SignalNotice: Service {
    let grace: Double
    let runtime: LlamaRuntime?

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        await cancelWhenGracefulShutdown {
            var received = 0
            for await signal in signals {
                received += 1
                guard received > 1 else {
                    printError(
                        "\nreceived \(signal): no new calls; waiting up to \(Int(grace)) s for calls in flight. Press Ctrl-C again to stop at once."
                    )
                    continue
                }
                runtime?.killAllImmediately()
                Foundation.exit(130)
            }
        }
    }
}
