import AsyncHTTPClient
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The pass-through's asynchronous log: a forwarded request is answered first and recorded after, in
/// batches, as the job service records an instance (its decision, its call, its result) under the
/// pipeline's gateway run, and counted in the metrics. Reading the upstream's answer back (text, tokens,
/// cost) happens here, off the request's path. A service of the group: on shutdown it writes what is
/// left, then shuts down the clients the forwarding used.
///
/// ```swift
/// let log = GatewayLog(store: store, observer: metrics, limits: limits, clients: clients)
/// log.record(entry)                        // returns at once
/// ```
final class GatewayLog: Service, Sendable {
    /// One forwarded request, as the handler saw it.
    struct Entry: Sendable {
        enum Captured: Sendable {
            case json(ByteBuffer)
            case stream(ByteBuffer)
            case failed(String)
        }

        var answerer: InstanceAnswerer
        var position: Int
        var instance: Instance
        var decision: Decision
        var messages: [ChatMessage]
        var expert: Expert
        var captured: Captured
        var latencyMs: Double
        var attempts: Int
        var reservation: GatewayLimits.Reservation
    }

    private let store: any RunStore
    private let observer: any RunObserver
    private let limits: GatewayLimits
    let clients: UpstreamClients
    private let pending = Mutex<[Entry]>([])
    private let signal: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logger = Logger(label: "conclave.gateway")

    init(store: any RunStore, observer: any RunObserver, limits: GatewayLimits, clients: UpstreamClients) {
        self.clients = clients
        self.store = store
        self.observer = observer
        self.limits = limits
        (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an entry for the next batch; never waits.
    func record(_ entry: Entry) {
        pending.withLock { $0.append(entry) }
        wake.yield()
    }

    /// The longest a forwarded request waits to be written: entries arriving meanwhile share its
    /// transactions, so the store commits tens of times a second, not once per request.
    static let batchWindow = Duration.milliseconds(25)

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in signal {
                try? await Task.sleep(for: Self.batchWindow)
                await flush()
            }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
        await flush()
        try await clients.shutdown()
    }

    /// Writes everything queued so far, one batch per gateway run.
    func flush() async {
        let entries = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !entries.isEmpty else { return }
        var windows: [String: Window] = [:]
        // Each entry is read where it lies: a copy would retain every part of it once more.
        entries.withUnsafeBufferPointer { entries in
            for entry in entries.indices {
                let answerer = entries[entry].answerer
                windows[answerer.runID, default: Window(answerer: answerer, capacity: entries.count)].add(rows(for: entries[entry]))
            }
        }
        for (run, window) in windows {
            do {
                try await window.answerer.beginRun()
                try await store.saveWindow(run: run, decisions: window.decisions, calls: window.calls, results: window.results)
            } catch {
                logger.error("cannot record \(window.calls.count) forwarded request(s) in run \(run): \(error)")
            }
        }
    }

    /// What one flush writes to one gateway run, gathered row by row.
    private struct Window {
        let answerer: InstanceAnswerer
        var decisions: [NewDecision] = []
        var calls: [StoredCall] = []
        var results: [NewResult] = []

        /// An empty window with room for `capacity` entries (most often the whole flush's).
        init(answerer: InstanceAnswerer, capacity: Int) {
            self.answerer = answerer
            decisions.reserveCapacity(capacity)
            calls.reserveCapacity(capacity)
            results.reserveCapacity(capacity)
        }

        mutating func add(_ rows: (decision: NewDecision, call: StoredCall, result: NewResult)) {
            decisions.append(rows.decision)
            calls.append(rows.call)
            results.append(rows.result)
        }
    }

    /// The decision, call and result an entry stands for; settles its reservation with what it used.
    private func rows(for entry: Entry) -> (decision: NewDecision, call: StoredCall, result: NewResult) {
        let expert = entry.expert
        var reply: UpstreamReply?
        var failure: String?
        switch entry.captured {
        case .json(let buffer):
            reply = UpstreamReply.parse(json: buffer)
            if reply == nil { failure = "the upstream's answer is not a chat completion: \(String(buffer: buffer).prefix(200))" }
        case .stream(let buffer):
            reply = UpstreamReply.parse(stream: buffer, promptCharacters: entry.messages.map(\.content.count).reduce(0, +))
        case .failed(let reason):
            failure = reason
        }
        let inputTokens = reply?.inputTokens ?? 0
        let outputTokens = reply?.outputTokens ?? 0
        let cost = expert.price.cost(inputTokens: inputTokens, outputTokens: outputTokens)
        limits.settle(entry.reservation, tokens: inputTokens + outputTokens, cost: cost)
        let record = CallRecord(
            stage: .expert,
            expert: expert.id,
            seat: 0,
            text: reply?.text,
            inputTokens: inputTokens,
            outputTokens: outputTokens,
            latencyMs: entry.latencyMs,
            cost: cost,
            attempts: entry.attempts,
            error: failure,
            mode: .single
        )
        observer.callFinished(record)
        let result = InstanceResult(
            id: entry.instance.id,
            question: entry.instance.text,
            decision: entry.decision,
            responses: [record],
            aggregation: nil,
            finalAnswer: failure == nil ? reply?.text : nil,
            extractedAnswer: nil,
            gold: nil,
            correct: nil,
            failureReason: failure
        )
        observer.instanceFinished(result)
        let call = StoredCall(
            key: CallKey(instanceID: entry.instance.id, stage: .expert, seat: 0),
            requestHash: RequestHash.of(
                modelKey: expert.runtime.modelKey,
                messages: entry.messages,
                temperature: expert.sampling.temperature,
                maxTokens: expert.sampling.maxTokens,
                seed: nil
            ),
            prompt: entry.messages,
            record: record
        )
        return (
            NewDecision(position: entry.position, question: entry.instance.text, decision: entry.decision), call,
            NewResult(position: entry.position, result: result)
        )
    }
}
