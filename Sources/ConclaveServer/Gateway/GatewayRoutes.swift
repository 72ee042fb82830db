import AsyncHTTPClient
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The OpenAI-compatible endpoint: `POST /v1/chat/completions` answers a request with a pipeline as if it
/// were a model, and `GET /v1/models` lists the pipelines.
///
/// A request whose decision is one expert in `single` mode is forwarded (the pass-through) to the
/// expert's OpenAI-compatible API, hosted or the llama-server Conclave runs: the body goes with only
/// `model` replaced, and the answer (or its stream) comes back as the upstream sent it, recorded
/// afterwards by `GatewayLog`. 429, 5xx, timeouts and refused connections are retried with backoff, then
/// the next expert the recruiter ranked takes over (noted in the decision's `fallbacks`). Any other
/// decision is run like a job instance (`InstanceAnswerer`) and answered with a `chat.completion` carrying
/// a `conclave` object, or streamed as its final answer is generated. Per-client limits (`GatewayLimits`)
/// are enforced before any upstream call.
struct GatewayRoutes: Sendable {
    let pipelines: [String: GatewayPipeline]
    let limits: GatewayLimits
    let log: GatewayLog
    let connector: any ExpertConnector
    let metrics: ServiceMetrics
    let departures: Departures
    let clients: UpstreamClients
    let attempts: Int
    let maxBodyBytes: Int

    static let expertHeader = HTTPField.Name("X-Conclave-Expert")!
    static let instanceHeader = HTTPField.Name("X-Conclave-Instance")!

    func add(to router: Router<ServiceContext>) {
        router.get("/v1/models") { _, context in
            let models = pipelines.keys.sorted().filter { context.access.allows($0) }.map { name in
                ["id": name, "object": "model", "created": 0, "owned_by": "conclave"] as [String: Any]
            }
            return try JSONResponse.make(["object": "list", "data": models])
        }
        router.post("/v1/chat/completions") { request, context in
            let started = ContinuousClock.now
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBodyBytes)
            } catch {
                throw OpenAIError(.contentTooLarge, "the body is larger than \(maxBodyBytes) bytes")
            }
            let parsed = try CompletionRequest(body: body)
            let pipeline = try pipeline(for: parsed, access: context.access)
            do {
                let response = try await complete(parsed, pipeline: pipeline, client: context.client, channel: context.channel)
                metrics.chatCompletion(
                    pipeline: pipeline.name,
                    path: response.headers[Self.expertHeader] == nil ? "recruited" : "forwarded",
                    status: Int(response.status.code),
                    seconds: (ContinuousClock.now - started).inSeconds
                )
                return response
            } catch let error as OpenAIError {
                metrics.chatCompletion(
                    pipeline: pipeline.name,
                    path: error.status.code >= 500 ? "failed" : "refused",
                    status: Int(error.status.code),
                    seconds: (ContinuousClock.now - started).inSeconds
                )
                throw error
            }
        }
    }

    /// The pipeline a request names, if the caller may use it.
    func pipeline(for request: CompletionRequest, access: BearerTokens.Access) throws(OpenAIError) -> GatewayPipeline {
        guard let pipeline = pipelines[request.pipeline] else {
            throw OpenAIError(
                .notFound,
                "no pipeline '\(request.pipeline)' is served (GET /v1/models lists them)",
                param: "model",
                code: "model_not_found"
            )
        }
        guard access.allows(pipeline.name) else {
            throw OpenAIError(.forbidden, "this token has no access to pipeline '\(pipeline.name)'", type: "permission_error", param: "model")
        }
        return pipeline
    }

    /// A request as an instance of its pipeline, with the decision for it.
    struct Decided: Sendable {
        var instance: Instance
        var decision: Decision
        var answerer: InstanceAnswerer
        /// The experts to forward to, best first, when the decision is a pass-through; nil when Conclave
        /// runs it.
        var forwardTo: [Expert]?
    }

    /// Decides for the request under a new instance id.
    func decide(_ request: CompletionRequest, pipeline: GatewayPipeline) throws(OpenAIError) -> Decided {
        let instance = Instance(id: CompletionID.make(), text: request.question)
        guard let answerer = pipeline.answerers[request.mode] else {
            throw OpenAIError(.badRequest, "the pipeline cannot run that mode", param: "model")
        }
        let decision = answerer.decider.decide(for: instance)
        let experts = pipeline.passThrough(decision).flatMap { connector.forwards($0[0]) ? $0 : nil }
        return Decided(instance: instance, decision: decision, answerer: answerer, forwardTo: experts)
    }

    /// Forwards, or runs, the request.
    private func complete(
        _ request: CompletionRequest,
        pipeline: GatewayPipeline,
        client: Int?,
        channel: any Channel
    ) async throws -> Response {
        let decided = try decide(request, pipeline: pipeline)
        guard let experts = decided.forwardTo else {
            return try await recruit(
                request,
                instance: decided.instance,
                decision: decided.decision,
                answerer: decided.answerer,
                client: client,
                channel: channel
            )
        }
        let forwarding = try Forwarding(
            request,
            instance: decided.instance,
            decision: decided.decision,
            experts: experts,
            answerer: decided.answerer,
            limits: limits,
            client: client,
            attempts: attempts
        )
        // A stream is cut when its client leaves, as its writes fail; a request without one is cancelled
        // then, and its upstream call with it.
        guard !request.stream else { return try await forward(forwarding) }
        return try await departures.cancelling(on: channel) { [self] in try await forward(forwarding) }
    }

    // MARK: pass-through

    /// Sends the request as its plan says (`ForwardAttempts`) until an expert answers or every one failed.
    private func forward(_ forwarding: Forwarding) async throws -> Response {
        var forwarding = forwarding
        var rng = SystemRandomNumberGenerator()
        let stream = forwarding.request.stream
        var target: (upstream: Upstream, body: ByteBuffer)?
        var step = forwarding.plan.start()
        do {
            while true {
                switch step {
                case .reach(let index):
                    do {
                        guard let endpoint = try await connector.endpoint(for: forwarding.experts[index]) else {
                            step = forwarding.plan.skipped()
                            continue
                        }
                        target = try forwarding.target(index, endpoint: endpoint)
                        step = forwarding.plan.reached()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch let error as OpenAIError {
                        throw error
                    } catch {
                        step = forwarding.plan.unavailable("\(error)")
                    }
                case .send:
                    guard let (upstream, body) = target else {
                        throw OpenAIError(.internalServerError, "the pass-through had no endpoint to send to", type: "api_error")
                    }
                    do {
                        let response = try await upstream.send(
                            body,
                            streaming: stream,
                            clients: clients,
                            timeout: .seconds(upstream.expert.timeoutSeconds)
                        )
                        return try await relay(response, forwarding: forwarding)
                    } catch let failure as Upstream.Failure {
                        step = forwarding.plan.failed(failure.detail, retryAfter: failure.retryAfter, using: &rng)
                    }
                case .pause(let seconds, _):
                    try await Task.sleep(for: .seconds(seconds))
                    step = forwarding.plan.resume()
                case .exhausted:
                    let error = forwarding.exhausted
                    log.record(forwarding.entry(.failed(error.message)))
                    throw error
                }
            }
        } catch is CancellationError {
            // The client left (a request without a stream is cancelled then): the call it started is
            // recorded as failed, and its upstream call is cut.
            log.record(forwarding.entry(.failed(Forwarding.clientLeft)))
            throw CancellationError()
        }
    }

    /// The upstream's answer as the client gets it: its body, or its stream relayed event by event; the log
    /// gets a copy once it is complete (or what came before the client went away).
    private func relay(_ response: UpstreamResponse, forwarding: Forwarding) async throws -> Response {
        guard forwarding.request.stream, (200..<300).contains(response.status) else {
            let body = try await response.body.collect(upTo: 64 << 20)
            log.record(forwarding.answered(status: response.status, body: body))
            return Response(
                status: .init(code: response.status),
                headers: forwarding.answerHeaders(contentType: response.headers.first(name: "Content-Type") ?? "application/json"),
                body: ResponseBody(byteBuffer: body)
            )
        }
        var headers = forwarding.answerHeaders(contentType: "text/event-stream")
        headers[.cacheControl] = "no-cache"
        let log = self.log
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                var captured = ByteBuffer()
                do {
                    for try await chunk in response.body {
                        captured.writeImmutableBuffer(chunk)
                        try await writer.write(chunk)
                    }
                    try await writer.finish(nil)
                } catch {
                    log.record(forwarding.entry(.failed("the stream ended early (\(error)); \(captured.readableBytes) bytes were relayed")))
                    throw error
                }
                log.record(forwarding.entry(.stream(captured)))
            }
        )
    }

    // MARK: recruited

    /// Runs the request like a job instance and answers with one `chat.completion`, or, for a stream,
    /// with the final answer's pieces as the model generates them (`streamRecruited`).
    private func recruit(
        _ request: CompletionRequest,
        instance: Instance,
        decision: Decision,
        answerer: InstanceAnswerer,
        client: Int?,
        channel: any Channel
    ) async throws -> Response {
        let registry = answerer.pipeline.registry
        let promptTokens = TokenEstimate.tokens(in: request.question)
        let calls = Planner.agentCalls(for: decision) + Planner.aggregatorCalls(for: decision)
        let experts = calls.compactMap { registry.expert($0.expert) }
        let estimate = experts.map { promptTokens + $0.sampling.maxTokens }.reduce(0, +)
        let cost = experts.map { $0.price.cost(inputTokens: promptTokens, outputTokens: $0.sampling.maxTokens) }.reduce(0, +)
        let reservation = try limits.reserve(client: client, tokens: estimate, cost: cost)
        let model = request.model
        if request.stream {
            return streamRecruited(instance, model: model, includeUsage: request.includeUsage, answerer: answerer, reservation: reservation)
        }
        // A client that leaves cancels the run and its calls in flight, as it does a stream.
        let answered = try await departures.cancelling(on: channel) { [self] in
            try await run(instance, answerer: answerer, reservation: reservation, onDelta: nil)
        }
        let body = CompletionBody(id: instance.id, model: model, answered: answered, run: answerer.runID)
        return Response(
            status: .ok,
            headers: [Self.instanceHeader: instance.id, .contentType: "application/json"],
            body: ResponseBody(byteBuffer: try body.completion())
        )
    }

    /// Runs the instance and settles its reservation; a run that fails or gives no answer is an OpenAI
    /// error.
    private func run(
        _ instance: Instance,
        answerer: InstanceAnswerer,
        reservation: GatewayLimits.Reservation,
        onDelta: (@Sendable (String) async -> Void)?
    ) async throws -> InstanceAnswerer.Answered {
        let answered: InstanceAnswerer.Answered
        do {
            answered = try await answerer.answer(instance, onDelta: onDelta)
        } catch is CancellationError {
            // What the calls made before the cancel cost is not known here: the reservation stands.
            throw CancellationError()
        } catch {
            limits.settle(reservation, tokens: 0, cost: 0)
            throw OpenAIError(.internalServerError, "the pipeline could not run: \(error)", type: "api_error")
        }
        let result = answered.result
        limits.settle(reservation, tokens: result.inputTokens + result.outputTokens, cost: result.cost)
        guard result.status == .answered, result.finalAnswer != nil else {
            throw OpenAIError(.badGateway, result.failureReason ?? "the pipeline produced no answer", type: "api_error", code: "upstream_error")
        }
        return answered
    }

    /// A recruited request as a stream: the role at once, then the final answer's pieces as its model
    /// generates them (the aggregator's, or the last agent's; a vote's winner, or a cached answer, comes
    /// whole at the end), then the finish with the `conclave` object, the usage when asked for, and
    /// `[DONE]`. A failure after the first byte is an error event. A client that leaves cancels the run.
    private func streamRecruited(
        _ instance: Instance,
        model: String,
        includeUsage: Bool,
        answerer: InstanceAnswerer,
        reservation: GatewayLimits.Reservation
    ) -> Response {
        let events = CompletionEvents(id: instance.id, model: model)
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let streamedText = Mutex("")
        let work = Task { [self] in
            if let role = try? events.role() { continuation.yield(role) }
            do {
                let answered = try await run(instance, answerer: answerer, reservation: reservation) { delta in
                    streamedText.withLock { $0 += delta }
                    if let event = try? events.delta(delta) { continuation.yield(event) }
                }
                let answer = answered.result.finalAnswer ?? ""
                let streamed = streamedText.withLock { $0 }
                if streamed.isEmpty {
                    for piece in CompletionBody.pieces(of: answer) { if let event = try? events.delta(piece) { continuation.yield(event) } }
                } else if streamed != answer {
                    throw OpenAIError(.badGateway, "the streamed answer failed; the final answer is another agent's", type: "api_error")
                }
                let body = CompletionBody(id: instance.id, model: model, answered: answered, run: answerer.runID)
                for event in try body.closingEvents(includeUsage: includeUsage) { continuation.yield(event) }
            } catch is CancellationError {
            } catch {
                let failure = error as? OpenAIError ?? OpenAIError(.internalServerError, "\(error)", type: "api_error")
                continuation.yield(events.error(failure))
                continuation.yield(CompletionEvents.done)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in work.cancel() }
        return Response(
            status: .ok,
            headers: [Self.instanceHeader: instance.id, .contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody(asyncSequence: stream)
        )
    }
}
