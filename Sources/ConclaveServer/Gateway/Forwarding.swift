import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import HTTPTypes
import NIOCore

/// A request the pass-through forwards, from its reservation to its log entry: the experts to try in
/// order, the plan of its attempts (`ForwardAttempts`), and what the log records of it. Both drivers of
/// the pass-through carry one: the route (`GatewayRoutes`, in a task) and `PassThroughHandler` (on the
/// connection's event loop).
///
/// ```swift
/// var forwarding = try Forwarding(request, instance: instance, decision: decision, experts: experts,
///                                 answerer: answerer, limits: limits, client: nil, attempts: 3)
/// let (upstream, body) = try forwarding.target(0, endpoint: endpoint)
/// log.record(forwarding.answered(status: 200, body: answer))
/// ```
struct Forwarding: Sendable {
    /// What does not change while the request is forwarded, held once: a driver reading it (from a class
    /// that keeps the forwarding) copies one reference, not every field.
    private final class Fixed: Sendable {
        let request: CompletionRequest
        let instance: Instance
        let decision: Decision
        let experts: [Expert]
        let answerer: InstanceAnswerer
        let reservation: GatewayLimits.Reservation
        let started: ContinuousClock.Instant

        init(
            request: CompletionRequest,
            instance: Instance,
            decision: Decision,
            experts: [Expert],
            answerer: InstanceAnswerer,
            reservation: GatewayLimits.Reservation
        ) {
            self.request = request
            self.instance = instance
            self.decision = decision
            self.experts = experts
            self.answerer = answerer
            self.reservation = reservation
            started = .now
        }
    }

    private let fixed: Fixed
    var plan: ForwardAttempts

    var request: CompletionRequest { fixed.request }
    var instance: Instance { fixed.instance }
    var decision: Decision { fixed.decision }
    /// The experts, best first (`GatewayPipeline.passThrough`).
    var experts: [Expert] { fixed.experts }
    var answerer: InstanceAnswerer { fixed.answerer }
    var reservation: GatewayLimits.Reservation { fixed.reservation }
    var started: ContinuousClock.Instant { fixed.started }

    /// What the log notes of a request whose client left before its answer.
    static let clientLeft = "cancelled before the answer: the client left"

    /// Reserves the request's estimate (prompt and completion tokens, at the dearest expert's prices) for
    /// `client`, or throws the limits' refusal.
    init(
        _ request: CompletionRequest,
        instance: Instance,
        decision: Decision,
        experts: [Expert],
        answerer: InstanceAnswerer,
        limits: GatewayLimits,
        client: Int?,
        attempts: Int
    ) throws(OpenAIError) {
        let promptTokens = TokenEstimate.tokens(bytes: request.messages.reduce(0) { $0 + $1.content.utf8.count })
        let completionTokens = request.maxTokens ?? experts.first?.sampling.maxTokens ?? 0
        let dearest = experts.map { $0.price.cost(inputTokens: promptTokens, outputTokens: completionTokens) }.max() ?? 0
        let reservation = try limits.reserve(client: client, tokens: promptTokens + completionTokens, cost: dearest)
        fixed = Fixed(request: request, instance: instance, decision: decision, experts: experts, answerer: answerer, reservation: reservation)
        plan = ForwardAttempts(experts: experts.map(\.id), retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.2, maxDelay: 2))
    }

    /// Milliseconds since the request was taken.
    var elapsedMs: Double { (ContinuousClock.now - started).inSeconds * 1000 }

    /// The expert the plan is at (the last, once every one failed).
    var expert: Expert { experts[min(plan.expert, experts.count - 1)] }

    /// Expert `index` at `endpoint`, and the body to send it (`model` naming the upstream's model).
    func target(_ index: Int, endpoint: ExpertEndpoint) throws -> (upstream: Upstream, body: ByteBuffer) {
        let upstream = Upstream(experts[index], endpoint: endpoint)
        return (upstream, try request.body(naming: upstream.model))
    }

    /// The headers of the answer: who answered, and the instance it is stored as.
    func answerHeaders(contentType: String) -> HTTPFields {
        [GatewayRoutes.expertHeader: expert.id, GatewayRoutes.instanceHeader: instance.id, .contentType: contentType]
    }

    /// What the log records: the request, sent last to the expert the plan is at, and how it ended.
    func entry(_ captured: GatewayLog.Entry.Captured, latencyMs: Double? = nil) -> GatewayLog.Entry {
        var noted = decision
        if !plan.fallbacks.isEmpty { noted.fallbacks = (decision.fallbacks ?? []) + plan.fallbacks }
        return GatewayLog.Entry(
            answerer: answerer,
            position: answerer.position(),
            instance: instance,
            decision: noted,
            messages: request.messages,
            expert: expert,
            captured: captured,
            latencyMs: latencyMs ?? elapsedMs,
            attempts: plan.attemptsMade,
            reservation: reservation
        )
    }

    /// The entry of a whole answer from the upstream: its body, or, for a status other than 2xx, why
    /// it failed.
    func answered(status: Int, body: ByteBuffer) -> GatewayLog.Entry {
        entry((200..<300).contains(status) ? .json(body) : .failed("HTTP \(status): \(String(buffer: body).prefix(300))"))
    }

    /// The error a client gets when every expert failed.
    var exhausted: OpenAIError {
        OpenAIError(.badGateway, "every expert failed; the last: \(plan.lastFailure)", type: "api_error", code: "upstream_error")
    }
}
