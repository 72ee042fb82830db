import ArgumentParser
import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation

/// `conclave-bench schedule-local`: the quickstart's local models, N instances × 3 experts on two models
/// plus the aggregator, resident budget one model, three ways with the same calls, seeds and per-model
/// concurrency (each model's parallel slots):
/// - grouped: the runner as `conclave run` runs it (every stage across all instances, grouped per model);
/// - naive: the same runner with a window of one instance, so the calls go instance by instance;
/// - limit: the grouped run's stored requests sent straight to already-loaded llama-servers, stage by
///   stage and model by model with every slot busy, and no Conclave in the path (loads not timed).
/// Each model answers one request before the first timed way runs, so no way pays for a cold start of the
/// machine (the first way measured otherwise ran 10–15% slower per request).
struct ScheduleLocalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule-local",
        abstract:
            "Loads and wall time: grouped scheduling vs the naive per-instance order vs the raw servers (targets: loads optimal, grouped ≥ 1.5× naive, grouped ≥ 0.85 of the limit)."
    )

    @Option(help: "Instances.") var instances = 24
    @Option(help: "The pipeline whose registry and dataset are used.") var pipeline = "examples/quickstart/pipeline.yaml"
    @OptionGroup var output: BenchOutput

    func run() async throws {
        var loaded = try ConfigLoader.loadPipeline(pipeline)
        // Equal profiles and top-k: every instance gets the same mixed team (gemma3-base, smollm2-generalist,
        // smollm2-judge), so every way makes exactly the same calls.
        loaded.registry = Registry(
            experts: loaded.registry.experts.map {
                var expert = $0
                expert.profile = Profile(skills: [:], strength: 1)
                return expert
            },
            skills: loaded.registry.skills,
            roles: loaded.registry.roles
        )
        loaded.spec.strategy = .topK
        loaded.spec.k = 3
        loaded.spec.residentModels = 1
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-schedule-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        loaded.spec.dataset = try syntheticDataset(from: loaded.spec.dataset, count: instances, into: root)

        let client = HTTPClient.conclave()
        let grouped: Outcome
        let naive: Outcome
        let limit: Outcome
        do {
            try await warmUp(loaded.registry, root: root, client: client)
            grouped = try await runThroughRunner(loaded, name: "grouped", root: root)
            var instanceByInstance = loaded
            instanceByInstance.spec.window = 1
            naive = try await runThroughRunner(instanceByInstance, name: "naive", root: root)
            limit = try await sendStraight(grouped.calls, registry: loaded.registry, root: root, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let optimal = Self.optimalLoads(grouped.calls, registry: loaded.registry)

        output.say(
            String(format: "schedule-local: %d instances × 3 experts + aggregator, resident budget 1 model, same calls, seeds and slots", instances)
        )
        output.say(
            String(
                format: "  grouped (runner):            %3d loads  %6.1f s  %6d output tokens",
                grouped.loads,
                grouped.seconds,
                grouped.outputTokens
            )
        )
        output.say(
            String(format: "  naive (runner, window 1):    %3d loads  %6.1f s  %6d output tokens", naive.loads, naive.seconds, naive.outputTokens)
        )
        output.say(
            String(
                format: "  limit (raw servers, loaded): %3d loads  %6.1f s  %6d output tokens (loads not timed)",
                limit.loads,
                limit.seconds,
                limit.outputTokens
            )
        )
        output.say(
            String(
                format: "  optimal loads %d; grouped %.2f× faster than naive; efficiency (limit ÷ grouped) %.2f",
                optimal,
                naive.seconds / grouped.seconds,
                limit.seconds / grouped.seconds
            )
        )
        try output.figures([
            "instances": .int(instances), "grouped_s": .double(grouped.seconds), "naive_s": .double(naive.seconds),
            "limit_s": .double(limit.seconds), "grouped_loads": .int(grouped.loads), "naive_loads": .int(naive.loads),
            "optimal_loads": .int(optimal), "speedup": .double(naive.seconds / grouped.seconds),
            "efficiency": .double(limit.seconds / grouped.seconds), "grouped_output_tokens": .int(grouped.outputTokens),
            "naive_output_tokens": .int(naive.outputTokens), "limit_output_tokens": .int(limit.outputTokens),
        ])
    }

    /// One way's figures; `calls` are the stored calls of a runner's run.
    struct Outcome {
        var loads: Int
        var seconds: Double
        var outputTokens: Int
        var calls: [StoredCall] = []
    }

    /// The quickstart's questions repeated with fresh ids until there are `count` of them.
    private func syntheticDataset(from source: URL, count: Int, into root: URL) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let rows = try DatasetReader(url: source).rows().compactMap { row -> Instance? in
            if case .instance(let instance) = row { return instance } else { return nil }
        }
        guard !rows.isEmpty else { throw ValidationError("no instance in \(source.path)") }
        var text = ""
        for index in 0..<count {
            let instance = rows[index % rows.count]
            let object: [String: Any] = ["id": "q\(index)", "question": instance.text, "choices": instance.choices, "answer": instance.gold ?? ""]
            text += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        let url = root.appendingPathComponent("data.jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func runThroughRunner(_ pipeline: LoadedPipeline, name: String, root: URL) async throws -> Outcome {
        let measured = try await LiveBenchRun.run(pipeline, name: name, root: root)
        var calls: [StoredCall] = []
        for index in 0..<instances { calls += try measured.store.calls(run: name, instance: "q\(index)") }
        return Outcome(loads: measured.summary.modelLoads, seconds: measured.seconds, outputTokens: measured.summary.outputTokens, calls: calls)
    }

    /// Loads each local model once and has it answer one short request, untimed.
    private func warmUp(_ registry: Registry, root: URL, client: HTTPClient) async throws {
        let binary = try serverBinary()
        let runtime = LlamaRuntime(
            serverBinary: binary,
            logDirectory: root.appendingPathComponent("warm-up-logs"),
            httpClient: client
        )
        do {
            for path in Set(LiveConnector.llamaModels(for: registry.experts).values.map(\.path)).sorted() {
                let model = LlamaModel(path: path, parallelSlots: 1, contextPerSlot: 1024)
                let baseURL = try await runtime.load(model)
                _ = try await OpenAIChatClient(baseURL: baseURL, httpClient: client, requestTimeout: .seconds(120))
                    .complete(ChatRequest(model: "local", messages: [.user("What is 2 + 2?")], temperature: 0, maxTokens: 16, seed: 1))
                await runtime.unload(model)
            }
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
    }

    private func serverBinary() throws -> URL {
        guard let binary = ConfigEnvironment.current().variables["CONCLAVE_LLAMA_SERVER"] else {
            throw ValidationError("llama-server not found: run scripts/setup.sh")
        }
        return URL(fileURLWithPath: binary)
    }

    /// The stored requests sent again, stage by stage and model by model, each model's group with as many
    /// requests in flight as it has slots; only the sending is timed.
    private func sendStraight(_ calls: [StoredCall], registry: Registry, root: URL, client: HTTPClient) async throws -> Outcome {
        let runtime = LlamaRuntime(
            serverBinary: try serverBinary(),
            logDirectory: root.appendingPathComponent("limit-logs"),
            httpClient: client
        )
        var outcome = Outcome(loads: 0, seconds: 0, outputTokens: 0)
        do {
            // The models exactly as the runner's connector serves them (slots, context per slot).
            let models = LiveConnector.llamaModels(for: registry.experts)
            for stage in [Stage.expert, .aggregator] {
                let staged = calls.filter { $0.key.stage == stage }
                var order: [LlamaModel] = []
                for call in staged {
                    if let model = models[call.record.expert], !order.contains(model) { order.append(model) }
                }
                for model in order {
                    let group = staged.filter { models[$0.record.expert] == model }
                    guard let expert = registry.expert(group[0].record.expert) else { continue }
                    // One model resident at a time, as the runner's budget of 1 keeps it.
                    for resident in await runtime.residentModels where resident != model { await runtime.unload(resident) }
                    let baseURL = try await runtime.load(model)
                    let started = ContinuousClock.now
                    outcome.outputTokens += try await send(
                        group,
                        to: baseURL,
                        expert: expert,
                        registry: registry,
                        slots: model.parallelSlots,
                        client: client
                    )
                    outcome.seconds += (ContinuousClock.now - started).inSeconds
                }
            }
        } catch {
            await runtime.shutdown()
            throw error
        }
        outcome.loads = await runtime.counters.loads
        await runtime.shutdown()
        return outcome
    }

    /// Sends the group's requests with `slots` in flight; returns the output tokens.
    private func send(
        _ group: [StoredCall],
        to baseURL: String,
        expert: Expert,
        registry: Registry,
        slots: Int,
        client: HTTPClient
    ) async throws -> Int {
        let server = OpenAIChatClient(baseURL: baseURL, httpClient: client, requestTimeout: .seconds(expert.timeoutSeconds))
        let requests = group.map { call -> ChatRequest in
            let sampling = registry.expert(call.record.expert)?.sampling ?? expert.sampling
            return ChatRequest(
                model: "local",
                messages: call.prompt,
                temperature: sampling.temperature,
                maxTokens: sampling.maxTokens,
                seed: StableHash.fnv1a(call.key.instanceID) &+ UInt64(bitPattern: Int64(call.key.seat ?? -1))
            )
        }
        return try await withThrowingTaskGroup(of: Int.self) { tasks in
            var next = 0
            var tokens = 0
            for _ in 0..<min(slots, requests.count) {
                let request = requests[next]
                next += 1
                tasks.addTask { try await server.complete(request).outputTokens }
            }
            while let done = try await tasks.next() {
                tokens += done
                if next < requests.count {
                    let request = requests[next]
                    next += 1
                    tasks.addTask { try await server.complete(request).outputTokens }
                }
            }
            return tokens
        }
    }

    /// The fewest loads these calls allow with one model resident: each stage loads its distinct models,
    /// except that a stage may start with the model the previous stage ended on.
    static func optimalLoads(_ calls: [StoredCall], registry: Registry) -> Int {
        let models = LiveConnector.llamaModels(for: registry.experts)
        var loads = 0
        var previous: Set<String> = []
        for stage in [Stage.expert, .aggregator] {
            let used = Set(calls.filter { $0.key.stage == stage }.compactMap { models[$0.record.expert]?.path })
            loads += used.count - (used.isDisjoint(with: previous) ? 0 : 1)
            previous = used
        }
        return loads
    }
}
