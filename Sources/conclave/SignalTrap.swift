import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into calls on a queue instead of killing the process, so a run can stop
/// dispatching, stop its llama-servers and say how to resume. The second signal calls `onRepeat`.
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private var received = 0

    init(onFirst: @escaping @Sendable (Int32) -> Void, onRepeat: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "conclave.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                received += 1
                received == 1 ? onFirst(number) : onRepeat(number)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
