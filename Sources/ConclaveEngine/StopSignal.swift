import Synchronization

/// Asks a run to stop dispatching: calls in flight finish and are saved, nothing new starts. Set by the
/// CLI's signal handler; checked by the runner before each call.
///
/// ```swift
/// let stop = StopSignal()
/// stop.request()   // from a SIGINT handler
/// ```
public final class StopSignal: Sendable {
    private let requested = Mutex(false)

    public init() {}

    public func request() { requested.withLock { $0 = true } }
    public var isRequested: Bool { requested.withLock { $0 } }
}

/// The run stopped on request before finishing; everything completed so far is in the store.
public struct RunStopped: Error, CustomStringConvertible {
    public var runID: String
    public var description: String { "run \(runID) stopped before finishing" }
}
