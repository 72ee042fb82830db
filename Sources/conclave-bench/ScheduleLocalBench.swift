import ArgumentParser
import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import Foundation

/// `conclave-bench schedule-local`: the quickstart's local models, N instances × 3 experts on two models
/// plus the aggregator, resident budget one model; grouped scheduling (the runner) against the naive
/// per-instance order.
struct ScheduleLocalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule-local",
        abstract: "Model loads and wall time: grouped scheduler vs naive per-instance order (target ≥ 2× at N = 24).")

    @Option(help: "Instances.") var instances = 24
    @Option(help: "The pipeline whose registry and dataset are used.") var pipeline = "examples/quickstart/pipeline.yaml"

    func run() async throws {
        var loaded = try ConfigLoader.loadPipeline(pipeline)
        // Equal profiles and top-k: every instance gets the same mixed team (gemma3-base, smollm2-generalist,
        // smollm2-judge), so both orders make exactly the same calls.
        loaded.registry = Registry(experts: loaded.registry.experts.map {
            var expert = $0
            expert.profile = Profile(skills: [:], strength: 1)
            return expert
        }, skills: loaded.registry.skills, roles: loaded.registry.roles)
        loaded.spec.strategy = .topK
        loaded.spec.k = 3
        loaded.spec.residentModels = 1
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-schedule-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try syntheticDataset(from: loaded.spec.dataset, count: instances, into: root)
        loaded.spec.dataset = dataset

        let client = HTTPClient.conclave()
        let grouped = try await runGrouped(loaded, root: root, client: client)
        let naive = try await runNaive(loaded, root: root, client: client)
        try await client.shutdown()
        print(String(format: "schedule-local: %d instances × 3 experts + aggregator, resident budget 1 model", instances))
        print(String(format: "  grouped: %3d loads  %6.1f s", grouped.loads, grouped.seconds))
        print(String(format: "  naive:   %3d loads  %6.1f s", naive.loads, naive.seconds))
        print(String(format: "  ratio:   %.1f× fewer loads, %.2f× faster", Double(naive.loads) / Double(max(grouped.loads, 1)), naive.seconds / grouped.seconds))
    }

    /// The quickstart's questions repeated with fresh ids until there are `count` of them.
    private func syntheticDataset(from source: URL, count: Int, into root: URL) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let rows = try DatasetReader(url: source).rows().compactMap { row -> Instance? in
            if case .instance(let instance) = row { return instance } else { return nil }
        }
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

    private func runGrouped(_ pipeline: LoadedPipeline, root: URL, client: HTTPClient) async throws -> (loads: Int, seconds: Double) {
        let connector = try LiveConnector(registry: pipeline.registry, environment: .current(), logDirectory: root.appendingPathComponent("logs"), httpClient: client)
        let store = try SQLiteRunStore(path: root.appendingPathComponent("grouped.sqlite").path)
        let runner = Runner(pipeline: pipeline, connector: connector, store: store, observer: SilentObserver())
        let started = Date()
        let summary = try await runner.run(RunOptions(runID: "grouped", outputDirectory: root.appendingPathComponent("grouped")))
        let seconds = Date().timeIntervalSince(started)
        await connector.shutdown()
        return (summary.modelLoads, seconds)
    }

    /// One instance at a time, each call in plan order, loading whatever the call needs with one model resident.
    private func runNaive(_ pipeline: LoadedPipeline, root: URL, client: HTTPClient) async throws -> (loads: Int, seconds: Double) {
        let binary = try requireServer()
        let runtime = LlamaRuntime(serverBinary: binary, logDirectory: root.appendingPathComponent("naive-logs"), residentBudget: 1, httpClient: client)
        let decider = DecisionMaker(registry: pipeline.registry, k: 3, strategy: .topK, aggregator: pipeline.spec.aggregatorExpert, seed: pipeline.spec.seed)
        let registry = pipeline.registry
        let started = Date()
        for row in try DatasetReader(url: pipeline.spec.dataset).rows() {
            guard case .instance(let instance) = row else { continue }
            let decision = decider.decide(for: instance)
            var texts: [String] = []
            for id in decision.recruitment.team {
                let expert = registry.expert(id)!
                texts.append(try await call(expert, Prompts.expert(instance: instance, role: decision.role.flatMap(registry.role(named:)), expert: expert), runtime: runtime, client: client))
            }
            let aggregator = registry.expert(decision.aggregator)!
            _ = try await call(aggregator, Prompts.aggregation(instance: instance, responses: texts, role: pipeline.spec.aggregatorRole.flatMap(registry.role(named:))), runtime: runtime, client: client)
        }
        let seconds = Date().timeIntervalSince(started)
        let loads = await runtime.counters.loads
        await runtime.shutdown()
        return (loads, seconds)
    }

    private func call(_ expert: Expert, _ messages: [ChatMessage], runtime: LlamaRuntime, client: HTTPClient) async throws -> String {
        guard case .llamaCpp(let path) = expert.runtime else { throw ValidationError("schedule-local needs llama.cpp experts") }
        let baseURL = try await runtime.load(LlamaModel(path: path, parallelSlots: expert.maxConcurrency, contextPerSlot: expert.contextWindow))
        let completion = try await OpenAIChatClient(baseURL: baseURL, httpClient: client, requestTimeout: expert.timeoutSeconds).complete(
            ChatRequest(model: "local", messages: messages, temperature: expert.sampling.temperature, maxTokens: expert.sampling.maxTokens, seed: 1))
        return completion.text
    }

    private func requireServer() throws -> URL {
        guard let path = ConfigEnvironment.current().variables["CONCLAVE_LLAMA_SERVER"] else {
            throw ValidationError("llama-server not found: run scripts/setup.sh")
        }
        return URL(fileURLWithPath: path)
    }
}
