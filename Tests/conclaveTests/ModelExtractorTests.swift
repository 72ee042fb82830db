import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation
import Testing

/// The model extractor end to end: `conclave run` asks SmolLM2 for keywords on a real llama-server, maps
/// them through a real embeddings server, stores every keyword's mapping in the decision, and caches the
/// extraction so a second run asks no extraction call.
@Suite(.serialized) struct ModelExtractorTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-extractor-\(UUID().uuidString)")

    @Test func keywordsAreExtractedMappedStoredAndCached() async throws {
        let environment = ConfigEnvironment.current()
        let binary = try #require(environment.variables["CONCLAVE_LLAMA_SERVER"], "run scripts/setup.sh first")
        let models = try #require(environment.variables["CONCLAVE_MODELS"], "run scripts/setup.sh first")
        let http = HTTPClient.conclave()
        let runtime = LlamaRuntime(
            serverBinary: URL(fileURLWithPath: binary),
            logDirectory: scratch.appendingPathComponent("embed-logs"),
            startupTimeout: .seconds(60),
            httpClient: http
        )
        let embeddings = try await runtime.load(
            LlamaModel(
                path: "\(models)/smollm2-135m-instruct-q4_1.gguf",
                parallelSlots: 1,
                contextPerSlot: 512,
                embeddings: true
            )
        )
        let repository = CLIProcess.repository.path
        let lines = try String(contentsOfFile: "\(repository)/examples/quickstart/questions.jsonl", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        // The third instance repeats the first one's text: it shares its extraction.
        let questions = (lines.prefix(2) + [lines[0].replacingOccurrences(of: "\"math-01\"", with: "\"again\"")]).joined(separator: "\n")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try questions.write(to: scratch.appendingPathComponent("questions.jsonl"), atomically: true, encoding: .utf8)
        try """
        name: extractor-test
        registry: { agents: \(repository)/Agents, skills: \(repository)/Skills }
        dataset: questions.jsonl
        extractor:
          kind: model
          expert: smollm2-generalist
          samples: 3
          embeddings: { base_url: "\(embeddings)", model: smollm2, min_similarity: 0.6 }
        recruiter: { strategy: top-k, k: 2, seed: 1 }
        aggregator: { expert: smollm2-judge }
        cache: true
        """.write(to: scratch.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)

        let storePath = scratch.appendingPathComponent("store.sqlite").path
        func run(_ id: String) async throws {
            let cli = try CLIProcess([
                "run", scratch.appendingPathComponent("pipeline.yaml").path, "--run-id", id,
                "--store", storePath, "--out", scratch.appendingPathComponent(id).path,
            ])
            #expect(await cli.wait(seconds: 600) == 0, "\(cli.errors)")
        }
        try await run("r1")
        try await run("r2")
        await runtime.shutdown()
        try await http.shutdown()

        // `explain` shows the cached keywords and their mapping.
        let explain = try CLIProcess(["explain", scratch.appendingPathComponent("pipeline.yaml").path, "--instance", "math-01", "--store", storePath])
        #expect(await explain.wait(seconds: 60) == 0, "\(explain.errors)")
        #expect(explain.output.contains("keywords    from the extractor model (cached): "), "\(explain.output)")

        let store = try SQLiteRunStore(path: storePath)
        let ids = ["math-01", "math-02"]
        let first = try store.decisions(run: "r1", instances: ids + ["again"])
        let second = try store.decisions(run: "r2", instances: ids)
        for id in ids {
            let decision = try #require(first[id])
            let keywords = try #require(decision.keywords, "the extractor answered, so the decision keeps its keywords")
            let mapped = SkillMapper.skills(from: keywords)
            if !mapped.isEmpty { #expect(Array(decision.skills) == mapped) }
            for mapping in keywords {
                #expect(mapping.keyword.count <= 20)
                #expect((mapping.method == .unmapped) == (mapping.skill == nil))
                if mapping.method == .embedding { #expect(mapping.similarity >= 0.6) }
            }
            #expect(try store.calls(run: "r1", instance: id).filter { $0.key.stage == .extraction }.count == 3)
            // The second run finds the extraction in the cache: same keywords, no extraction call.
            #expect(second[id]?.keywords == keywords)
            #expect(try store.calls(run: "r2", instance: id).allSatisfy { $0.key.stage != .extraction })
        }
        #expect(first["again"]?.keywords == first["math-01"]?.keywords)
        #expect(try store.calls(run: "r1", instance: "again").allSatisfy { $0.key.stage != .extraction })
    }
}
