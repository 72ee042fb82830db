import NIOCore
import Synchronization

/// One request on its way to an upstream through `UpstreamConnections`: its answer (a future completed on
/// the event loop the request was started on) and a way to cut it. Cutting closes the connection the
/// request went out on (the upstream stops working on it), or, before a connection is chosen, fails the
/// request with `CancellationError`.
///
/// ```swift
/// let attempt = connections.start(head, body: body, to: address, on: channel.eventLoop, streaming: false, timeout: .seconds(30))
/// attempt.response.whenSuccess { response in … }
/// attempt.cancel()   // the client left
/// ```
final class UpstreamAttempt: Sendable {
    private struct State {
        var cancelled = false
        var channel: (any Channel)?
    }

    let loop: any EventLoop
    private let promise: EventLoopPromise<UpstreamResponse>
    private let state = Mutex(State())

    init(loop: any EventLoop) {
        self.loop = loop
        promise = loop.makePromise(of: UpstreamResponse.self)
    }

    /// The answer, or why there is none.
    var response: EventLoopFuture<UpstreamResponse> { promise.futureResult }

    /// Whether `cancel()` was called.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Cuts the request: its connection closes; an answer still to come fails.
    func cancel() {
        let channel = state.withLock { state in
            state.cancelled = true
            return state.channel
        }
        channel?.close(promise: nil)
        promise.fail(CancellationError())
    }

    /// The request goes out on `channel` now; false (and the channel left alone) when it was cut already.
    func using(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.channel = channel
            return true
        }
    }

    func complete(_ result: Result<UpstreamResponse, any Error>) { promise.completeWith(result) }
}
