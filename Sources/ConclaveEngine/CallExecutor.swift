import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation
import Synchronization

/// One call ready to send: what the plan asked for, the expert, and the messages.
struct CallRequest: Sendable {
    var call: PlannedCall
    var expert: Expert
    var messages: [ChatMessage]

    var requestHash: String {
        RequestHash.of(
            modelKey: expert.runtime.modelKey,
            messages: messages,
            temperature: expert.sampling.temperature,
            maxTokens: expert.sampling.maxTokens,
            seed: seed
        )
    }

    /// Seats of one team get different seeds, so an expert holding two seats answers twice, not once; so do
    /// rounds.
    var seed: UInt64 {
        StableHash.fnv1a(call.instanceID) &+ UInt64(bitPattern: Int64(call.seat ?? -1)) &+ UInt64(call.round) << 32
    }

    /// The record of this call's outcome, with its place in the plan.
    func record(text: String?, inputTokens: Int, outputTokens: Int, latencyMs: Double, cost: Double, attempts: Int, error: String?) -> CallRecord {
        CallRecord(
            stage: call.stage,
            expert: expert.id,
            seat: call.seat,
            text: text,
            inputTokens: inputTokens,
            outputTokens: outputTokens,
            latencyMs: latencyMs,
            cost: cost,
            attempts: attempts,
            error: error,
            round: call.round,
            role: call.role,
            mode: call.mode
        )
    }
}

/// Sends one group's calls with the model's concurrency (for llama.cpp, its parallel slots, so the server
/// batches them), serves repeats from the response cache when enabled, and saves each outcome the moment
/// it arrives. When a stop is requested it starts nothing new and lets calls in flight finish.
struct CallExecutor: Sendable {
    let connector: any ExpertConnector
    let store: any RunStore
    let observer: any RunObserver
    let runID: String
    let stop: StopSignal
    let cache: Bool
    let committer: GroupCommitter<StoredCall>
    /// The run's spending limits; a call whose cost ceiling does not fit is recorded as refused, not sent.
    let budget: BudgetAccount
    /// The calls whose answer is streamed as it is generated (the final answer of an instance answered for
    /// a streaming client), and where its pieces go; nil when none is.
    var finalDeltas: FinalDeltas? = nil

    func run(_ requests: [CallRequest]) async throws -> [(PlannedCall, CallRecord)] {
        guard let first = requests.first else { return [] }
        let concurrency = requests.map(\.expert.maxConcurrency).max() ?? 1
        do {
            _ = try await connector.backend(for: first.expert)
        } catch let error as CancellationError {
            throw error
        } catch {
            var failed: [(PlannedCall, CallRecord)] = []
            for request in requests {
                failed.append(
                    (request.call, try await save(request, Self.failure(request, error: "model not available: \(error)", latencyMs: 0, attempts: 1)))
                )
            }
            return failed
        }
        // `concurrency` workers take the next request in turn until none is left (or a stop is requested),
        // so there is one task per slot, not one per call.
        let queue = RequestQueue(requests, stop: stop)
        return try await withThrowingTaskGroup(of: [(PlannedCall, CallRecord)].self) { group in
            for _ in 0..<min(concurrency, requests.count) {
                group.addTask {
                    var done: [(PlannedCall, CallRecord)] = []
                    while let request = queue.next() {
                        let record = try await self.perform(request)
                        observer.callFinished(record)
                        done.append((request.call, record))
                    }
                    return done
                }
            }
            var outcomes: [(PlannedCall, CallRecord)] = []
            outcomes.reserveCapacity(requests.count)
            for try await done in group { outcomes += done }
            return outcomes
        }
    }

    private func perform(_ request: CallRequest) async throws -> CallRecord {
        let hash = request.requestHash
        if cache, var cached = try await store.cachedResponse(hash) {
            cached.seat = request.call.seat
            cached.round = request.call.round
            cached.role = request.call.role
            cached.mode = request.call.mode
            cached.latencyMs = 0
            cached.cost = 0
            return try await save(request, cached, hash: hash)
        }
        let ceiling = request.expert.ceiling(messages: request.messages)
        if budget.budget.isLimited, let refusal = budget.reserve(ceiling, instance: request.call.instanceID) {
            return try await save(request, Self.failure(request, error: refusal.description, latencyMs: 0, attempts: 0), hash: hash)
        }
        let record = await send(request)
        if budget.budget.isLimited {
            budget.settle(reserved: ceiling, actual: record.spend, instance: request.call.instanceID)
        }
        if cache, record.succeeded { try await store.cacheResponse(hash, record) }
        if Task.isCancelled, !record.succeeded { throw CancellationError() }
        return try await save(request, record, hash: hash)
    }

    /// The call's outcome: the completion, or the error after the client's retries.
    private func send(_ request: CallRequest) async -> CallRecord {
        let expert = request.expert
        let started = Date()
        do {
            let backend = try await connector.backend(for: expert)
            let chat = ChatRequest(
                model: expert.modelName,
                messages: request.messages,
                temperature: expert.sampling.temperature,
                maxTokens: expert.sampling.maxTokens,
                seed: request.seed
            )
            let completion: ChatCompletion
            if let finalDeltas, finalDeltas.keys.contains(CallKey(request.call)) {
                let instance = request.call.instanceID
                completion = try await backend.stream(chat) { await finalDeltas.sink(instance, $0) }
            } else {
                completion = try await backend.complete(chat)
            }
            return request.record(
                text: completion.text,
                inputTokens: completion.inputTokens,
                outputTokens: completion.outputTokens,
                latencyMs: Date().timeIntervalSince(started) * 1000,
                cost: expert.price.cost(inputTokens: completion.inputTokens, outputTokens: completion.outputTokens),
                attempts: completion.attempts,
                error: nil
            )
        } catch {
            var attempts = 1
            if let error = error as? LLMError, error.code == .exhausted { attempts = error.attempts }
            return Self.failure(request, error: "\(error)", latencyMs: Date().timeIntervalSince(started) * 1000, attempts: attempts)
        }
    }

    /// Returns once the call is committed to the store (group commit: concurrent calls share a transaction).
    private func save(_ request: CallRequest, _ record: CallRecord, hash: String? = nil) async throws -> CallRecord {
        let key = CallKey(request.call)
        try await committer.submit(StoredCall(key: key, requestHash: hash ?? request.requestHash, prompt: request.messages, record: record))
        return record
    }

    static func failure(_ request: CallRequest, error: String, latencyMs: Double, attempts: Int) -> CallRecord {
        request.record(text: nil, inputTokens: 0, outputTokens: 0, latencyMs: latencyMs, cost: 0, attempts: attempts, error: error)
    }
}

/// The calls of a window whose answer is streamed as it is generated, and the sink that gets each piece
/// of text with its instance's id.
struct FinalDeltas: Sendable {
    var keys: Set<CallKey>
    var sink: @Sendable (String, String) async -> Void
}

/// Hands out a group's requests one at a time to the executor's workers; none once a stop is requested.
private final class RequestQueue: Sendable {
    private let requests: [CallRequest]
    private let stop: StopSignal
    private let position = Mutex(0)

    init(_ requests: [CallRequest], stop: StopSignal) {
        self.requests = requests
        self.stop = stop
    }

    func next() -> CallRequest? {
        guard !stop.isRequested else { return nil }
        return position.withLock { position in
            guard position < requests.count else { return nil }
            defer { position += 1 }
            return requests[position]
        }
    }
}

extension Expert {
    /// The model name sent in requests: the server's name for OpenAI-compatible runtimes; llama-server
    /// serves one model and ignores it.
    var modelName: String {
        switch runtime {
        case .llamaCpp(let path): return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        case .openAI(_, let model, _): return model
        }
    }
}
