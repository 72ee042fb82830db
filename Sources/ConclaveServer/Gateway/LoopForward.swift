import ConclaveEngine
import HTTPTypes
import NIOCore

/// One request forwarded on its connection's event loop (`PassThroughHandler`): it drives the request's
/// `Forwarding` plan with `UpstreamConnections.start`, pausing with scheduled tasks, as the route drives
/// it in a task; the answer (the upstream's, or the error when every expert failed) goes to `answer`, and
/// the log gets its entry. It lives on the loop and is reached only there.
final class LoopForward {
    /// What the client gets, and how the metrics count it.
    struct Answer {
        var status: Int
        var headers: HTTPFields
        var body: ByteBuffer
        /// The metrics' path: "forwarded", "failed" or "refused".
        var path: String

        /// An error in OpenAI's shape, counted as the route counts it: failed (5xx) or refused.
        init(_ error: OpenAIError) {
            status = Int(error.status.code)
            headers = [.contentType: "application/json"]
            body = error.json()
            path = status >= 500 ? "failed" : "refused"
        }

        init(status: Int, headers: HTTPFields, body: ByteBuffer, path: String) {
            (self.status, self.headers, self.body, self.path) = (status, headers, body, path)
        }
    }

    private var forwarding: Forwarding
    /// Each expert's endpoint and its `/chat/completions` URL split, in the order of `forwarding.experts`.
    private let endpoints: [(endpoint: ExpertEndpoint, url: PlainURL)]
    private let connections: UpstreamConnections
    private let log: GatewayLog
    private let loop: any EventLoop
    private let answer: (Answer) -> Void
    private var target: (upstream: Upstream, url: PlainURL, body: ByteBuffer)?
    private var attempt: UpstreamAttempt?
    private var pause: Scheduled<Void>?
    private var ended = false
    private var rng = SystemRandomNumberGenerator()

    init(
        _ forwarding: Forwarding,
        endpoints: [(endpoint: ExpertEndpoint, url: PlainURL)],
        connections: UpstreamConnections,
        log: GatewayLog,
        loop: any EventLoop,
        answer: @escaping (Answer) -> Void
    ) {
        self.forwarding = forwarding
        self.endpoints = endpoints
        self.connections = connections
        self.log = log
        self.loop = loop
        self.answer = answer
    }

    /// When the request was taken.
    var started: ContinuousClock.Instant { forwarding.started }

    /// Sends the first attempt.
    func start() { go(forwarding.plan.start()) }

    /// The client left: the attempt in flight is cut, and the request recorded as failed; no answer comes.
    func cancel() {
        guard !ended else { return }
        ended = true
        attempt?.cancel()
        pause?.cancel()
        log.record(forwarding.entry(.failed(Forwarding.clientLeft)))
    }

    private func go(_ step: ForwardAttempts.Step) {
        guard !ended else { return }
        switch step {
        case .reach(let index):
            do {
                let (upstream, body) = try forwarding.target(index, endpoint: endpoints[index].endpoint)
                target = (upstream, endpoints[index].url, body)
                go(forwarding.plan.reached())
            } catch {
                end(Answer(error as? OpenAIError ?? OpenAIError(.badRequest, "\(error)")))
            }
        case .send:
            guard let (upstream, url, body) = target else {
                end(Answer(OpenAIError(.internalServerError, "the pass-through had no endpoint to send to", type: "api_error")))
                return
            }
            let timeout = Duration.seconds(upstream.expert.timeoutSeconds)
            let attempt = connections.start(
                upstream.head(for: url, body: body),
                body: body,
                to: url.address,
                on: loop,
                streaming: false,
                timeout: timeout
            )
            self.attempt = attempt
            let bound = NIOLoopBound(self, eventLoop: loop)
            attempt.response.whenComplete { result in bound.value.received(result, from: upstream, timeout: timeout) }
        case .pause(let seconds, _):
            let bound = NIOLoopBound(self, eventLoop: loop)
            pause = loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                let forward = bound.value
                forward.go(forward.forwarding.plan.resume())
            }
        case .exhausted:
            let error = forwarding.exhausted
            log.record(forwarding.entry(.failed(error.message)))
            end(Answer(error))
        }
    }

    private func received(_ result: Result<UpstreamResponse, any Error>, from upstream: Upstream, timeout: Duration) {
        guard !ended else { return }
        attempt = nil
        switch result {
        case .success(let response):
            let body = response.body.whole ?? ByteBuffer()
            if Upstream.retries(response.status) {
                let failure = upstream.failure(response, text: String(buffer: body))
                go(forwarding.plan.failed(failure.detail, retryAfter: failure.retryAfter, using: &rng))
                return
            }
            log.record(forwarding.answered(status: response.status, body: body))
            let contentType = response.headers.first(name: "Content-Type") ?? "application/json"
            end(Answer(status: response.status, headers: forwarding.answerHeaders(contentType: contentType), body: body, path: "forwarded"))
        case .failure(let error):
            let failure = upstream.failure(error, timeout: timeout)
            go(forwarding.plan.failed(failure.detail, retryAfter: failure.retryAfter, using: &rng))
        }
    }

    private func end(_ result: Answer) {
        ended = true
        answer(result)
    }
}
