import ConclaveConfig
import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// Runs a pipeline over its dataset, stage by stage across all instances: first every expert call, grouped
/// by model so each model is loaded once (resident models first), then every aggregator call. Each result is
/// written to `results.jsonl` as soon as its instance is done. A failed call is recorded with its error and
/// the run goes on; an instance whose calls all failed is marked failed with the reason.
///
/// ```swift
/// let runner = Runner(pipeline: pipeline, connector: connector, observer: observer)
/// let summary = try await runner.run(limit: 3, outputDirectory: URL(fileURLWithPath: "runs/quickstart"))
/// ```
public struct Runner: Sendable {
    public let pipeline: LoadedPipeline
    public let connector: any ExpertConnector
    public let observer: any RunObserver

    public init(pipeline: LoadedPipeline, connector: any ExpertConnector, observer: any RunObserver) {
        self.pipeline = pipeline
        self.connector = connector
        self.observer = observer
    }

    /// One call to make: whose, for which instance, with which messages.
    struct PendingCall: Sendable {
        var instance: Int
        var seat: Int?
        var expert: Expert
        var messages: [ChatMessage]
        var seed: UInt64
    }

    public func run(limit: Int? = nil, outputDirectory: URL) async throws -> RunSummary {
        let started = Date()
        var summary = RunSummary()
        let (instances, skipped) = try readDataset(limit: limit)
        summary.skippedRows = skipped
        let spec = pipeline.spec
        let decider = DecisionMaker(registry: pipeline.registry, k: spec.k, strategy: spec.strategy,
                                    temperature: spec.temperature, aggregator: spec.aggregatorExpert, seed: spec.seed)
        let decisions = instances.map(decider.decide)
        let writer = try ResultsWriter(url: outputDirectory.appendingPathComponent("results.jsonl"))

        let expertCalls = decisions.enumerated().flatMap { index, decision in
            decision.recruitment.team.enumerated().map { seat, id in
                let expert = pipeline.registry.expert(id)!
                let role = decision.role.flatMap(pipeline.registry.role(named:))
                return PendingCall(instance: index, seat: seat, expert: expert,
                                   messages: Prompts.expert(instance: instances[index], role: role, expert: expert),
                                   seed: decision.seed &+ UInt64(seat))
            }
        }
        observer.stageStarted("experts", calls: expertCalls.count)
        let responses = try await execute(expertCalls)
        var byInstance = Array(repeating: [CallRecord](), count: instances.count)
        for (call, record) in zip(expertCalls, responses) { byInstance[call.instance].append(record) }

        let aggregator = pipeline.registry.expert(spec.aggregatorExpert)!
        let aggregatorRole = spec.aggregatorRole.flatMap(pipeline.registry.role(named:))
        let aggregationCalls = instances.indices.compactMap { index -> PendingCall? in
            let texts = byInstance[index].compactMap(\.text)
            guard !texts.isEmpty else { return nil }
            return PendingCall(instance: index, seat: nil, expert: aggregator,
                               messages: Prompts.aggregation(instance: instances[index], responses: texts, role: aggregatorRole),
                               seed: decisions[index].seed)
        }
        observer.stageStarted("aggregation", calls: aggregationCalls.count)
        let aggregations = try await execute(aggregationCalls)
        var aggregationByInstance: [Int: CallRecord] = [:]
        for (call, record) in zip(aggregationCalls, aggregations) { aggregationByInstance[call.instance] = record }

        for (index, instance) in instances.enumerated() {
            let result = finish(instance, decision: decisions[index], responses: byInstance[index], aggregation: aggregationByInstance[index])
            try writer.append(result)
            observer.instanceFinished(result)
            summary.add(result)
        }
        let counters = await connector.counters()
        summary.modelLoads = counters.loads
        summary.modelUnloads = counters.unloads
        summary.wallSeconds = Date().timeIntervalSince(started)
        summary.resultsFile = writer.url
        return summary
    }

    private func readDataset(limit: Int?) throws -> ([Instance], Int) {
        var instances: [Instance] = []
        var skipped = 0
        for row in try DatasetReader(url: pipeline.spec.dataset).rows() {
            if let limit, instances.count >= limit { break }
            switch row {
            case .instance(let instance): instances.append(instance)
            case .invalid(let problem):
                skipped += 1
                observer.skipped(problem)
            }
        }
        return (instances, skipped)
    }

    /// The instance's result: graded when gold is present; failed when no expert answered or the
    /// aggregator failed.
    func finish(_ instance: Instance, decision: Decision, responses: [CallRecord], aggregation: CallRecord?) -> InstanceResult {
        var failure: String?
        if !responses.contains(where: \.succeeded) {
            failure = "all \(responses.count) expert calls failed; first error: \(responses.first?.error ?? "none")"
        } else if let error = aggregation?.error {
            failure = "aggregator \(aggregation!.expert) failed: \(error)"
        }
        let extracted = aggregation?.text.flatMap { pipeline.spec.grader.extract(from: $0, for: instance) }
        let correct = instance.gold.map { pipeline.spec.grader.isCorrect(extracted, gold: $0) }
        return InstanceResult(id: instance.id, question: instance.text, decision: decision, responses: responses,
                              aggregation: aggregation, extractedAnswer: extracted, gold: instance.gold,
                              correct: failure == nil ? correct : (instance.gold == nil ? nil : false), failureReason: failure)
    }

    /// Runs calls grouped by model: resident models first, then in order of first appearance; each group
    /// loads its model once and dispatches with the model's concurrency. Results come back in call order.
    func execute(_ calls: [PendingCall]) async throws -> [CallRecord] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, call) in calls.enumerated() {
            let key = call.expert.runtime.modelKey
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        let resident = await connector.residentModelKeys()
        order = order.filter(resident.contains) + order.filter { !resident.contains($0) }
        var records = [CallRecord?](repeating: nil, count: calls.count)
        for key in order {
            try Task.checkCancellation()
            let members = groups[key]!
            let first = calls[members[0]].expert
            observer.loading(model: first.runtime.modelKey)
            let concurrency = members.map { calls[$0].expert.maxConcurrency }.max() ?? 1
            do {
                _ = try await connector.backend(for: first)
            } catch let error as CancellationError {
                throw error
            } catch {
                for index in members {
                    let record = failedRecord(calls[index], error: "model not available: \(error)")
                    records[index] = record
                    observer.callFinished(record)
                }
                continue
            }
            let done = try await dispatch(members.map { (index: $0, call: calls[$0]) }, concurrency: concurrency)
            for (index, record) in done { records[index] = record }
        }
        return records.map { $0! }
    }

    /// At most `concurrency` calls in flight; each gets its expert's backend, sampling and seed.
    private func dispatch(_ calls: [(index: Int, call: PendingCall)], concurrency: Int) async throws -> [(Int, CallRecord)] {
        try await withThrowingTaskGroup(of: (Int, CallRecord).self) { group in
            var results: [(Int, CallRecord)] = []
            var next = 0
            func enqueue() {
                guard next < calls.count else { return }
                let (index, call) = calls[next]
                next += 1
                group.addTask { (index, try await self.perform(call)) }
            }
            for _ in 0..<min(concurrency, calls.count) { enqueue() }
            while let done = try await group.next() {
                results.append(done)
                observer.callFinished(done.1)
                enqueue()
            }
            return results
        }
    }

    private func perform(_ call: PendingCall) async throws -> CallRecord {
        let stage = call.seat == nil ? "aggregator" : "expert"
        let started = Date()
        do {
            let backend = try await connector.backend(for: call.expert)
            let completion = try await backend.complete(ChatRequest(
                model: call.expert.modelName, messages: call.messages, temperature: call.expert.sampling.temperature,
                maxTokens: call.expert.sampling.maxTokens, seed: call.seed))
            return CallRecord(stage: stage, expert: call.expert.id, seat: call.seat, text: completion.text,
                              inputTokens: completion.inputTokens, outputTokens: completion.outputTokens,
                              latencyMs: Date().timeIntervalSince(started) * 1000,
                              cost: call.expert.price.cost(inputTokens: completion.inputTokens, outputTokens: completion.outputTokens),
                              attempts: completion.attempts, error: nil)
        } catch let error as CancellationError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            var record = failedRecord(call, error: "\(error)")
            record.latencyMs = Date().timeIntervalSince(started) * 1000
            if case LLMError.exhausted(let attempts, _) = error { record.attempts = attempts }
            return record
        }
    }

    private func failedRecord(_ call: PendingCall, error: String) -> CallRecord {
        CallRecord(stage: call.seat == nil ? "aggregator" : "expert", expert: call.expert.id, seat: call.seat, text: nil,
                   inputTokens: 0, outputTokens: 0, latencyMs: 0, cost: 0, attempts: 1, error: error)
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

extension RunSummary {
    mutating func add(_ result: InstanceResult) {
        instances += 1
        if result.status == .answered { answered += 1 } else { failed += 1 }
        if let correct = result.correct {
            graded += 1
            if correct { self.correct += 1 }
        }
        let calls = result.responses + (result.aggregation.map { [$0] } ?? [])
        self.calls += calls.count
        failedCalls += calls.filter { !$0.succeeded }.count
        inputTokens += result.inputTokens
        outputTokens += result.outputTokens
        cost += result.cost
    }
}
