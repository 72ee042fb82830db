import ConclaveConfig
import ConclaveCore
import Foundation
import Testing

@Suite struct PipelineTests {
    func pipeline(_ aggregator: String = "expert: alpha\n  role: Mathematician", extra: String = "") -> String {
        """
        name: test
        registry:
          agents: Agents
          skills: Skills
        dataset: data.jsonl
        recruiter: { strategy: top-k, k: 2, seed: 7 }
        aggregator:
          \(aggregator)
        grader: { kind: numeric, tolerance: 0.5 }
        \(extra)
        """
    }

    @Test func loadsAValidPipelineWithPathsRelativeToItsFile() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        let path = try sandbox.write("pipeline.yaml", pipeline())
        let loaded = try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        #expect(loaded.spec.strategy == .topK)
        #expect(loaded.spec.k == 2 && loaded.spec.seed == 7)
        #expect(loaded.spec.grader.kind == .numeric && loaded.spec.grader.tolerance == 0.5)
        #expect(loaded.spec.dataset.path == sandbox.path("data.jsonl"))
        #expect(loaded.registry.expert("alpha")?.profile.skills == ["algebra": 2, "geometry": -1])
        #expect(loaded.registry.expert("alpha")?.profile.strength == 1)
        #expect(loaded.registry.expert("alpha")?.runtime == .llamaCpp(modelPath: sandbox.path("models/tiny.gguf")))
    }

    @Test func unknownExpertRoleStrategyAndMissingDatasetAreNamed() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("pipeline.yaml", pipeline("expert: alfa\n  role: Poet", extra: "extractor: magic\n")
            .replacingOccurrences(of: "top-k", with: "topk"))
        let problems = sandbox.validate(["pipeline.yaml"])
        #expect(problems == [
            "pipeline.yaml:5:10: dataset 'data.jsonl' is not readable",
            "pipeline.yaml:6:24: unknown strategy 'topk' (did you mean 'top-k'?)",
            "pipeline.yaml:8:11: unknown expert 'alfa' (did you mean 'alpha'?)",
            "pipeline.yaml:9:9: unknown role 'Poet' (expected one of: Mathematician)",
            "pipeline.yaml:11:12: unknown extractor 'magic' (expected one of: lexical)",
        ])
    }

    @Test func loadingThrowsEveryProblemAtOnce() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta", skills: "{ chess: 1 }"))
        try sandbox.write("data.jsonl", "")
        let path = try sandbox.write("pipeline.yaml", pipeline("expert: nobody"))
        #expect {
            try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        } throws: { error in
            let diagnostics = (error as? ConfigurationError)?.diagnostics.map(\.message) ?? []
            return diagnostics.contains { $0.hasPrefix("unknown skill 'chess'") } && diagnostics.contains { $0.hasPrefix("unknown expert 'nobody'") }
        }
    }

    @Test func theShippedRegistryAndQuickstartValidateWhenModelsAreInstalled() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let environment = ConfigEnvironment.current()
        try #require(environment.variables["CONCLAVE_MODELS"] != nil, "run scripts/setup.sh first")
        let problems = ConfigLoader.validate(paths: ["Agents", "Skills", "examples/quickstart/pipeline.yaml"].map {
            repository.appendingPathComponent($0).path
        }, environment: environment)
        #expect(problems.isEmpty, "\(problems)")
    }
}
