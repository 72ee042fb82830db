import ConclaveCore
import Foundation
import Testing

@testable import ConclaveConfig

/// `recruiter: { strategy: learned, outcomes: …, neighbors: … }`: the router is fitted at load time, and
/// what is missing or unusable is named.
@Suite struct LearnedPipelineTests {
    func pipeline(_ recruiter: String) -> String {
        "name: learned\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\nrecruiter: \(recruiter)\naggregator: { expert: alpha }\n"
    }

    func sandbox() throws -> ConfigSandbox {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        return sandbox
    }

    @Test func aLearnedPipelineFitsItsRouterOnTheOutcomes() throws {
        let sandbox = try sandbox()
        try sandbox.write(
            "outcomes.jsonl",
            "{\"id\": \"a\", \"question\": \"solve the equation\", \"scores\": {\"alpha\": 1, \"other-model\": 0}}\n"
                + "{\"id\": \"b\", \"question\": \"solve for x\", \"scores\": {\"alpha\": 0}}\n"
        )
        let path = try sandbox.write("pipeline.yaml", pipeline("{ strategy: learned, outcomes: outcomes.jsonl, neighbors: 7 }"))
        let loaded = try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        #expect(loaded.spec.strategy == .learned && loaded.spec.learnedNeighbors == 7)
        #expect(loaded.learned?.questionCount == 2)
        #expect(loaded.learned?.neighbors == 7)
    }

    @Test func missingOrUnusableOutcomesAreNamed() throws {
        let sandbox = try sandbox()
        try sandbox.write("missing.yaml", pipeline("{ strategy: learned }"))
        #expect(sandbox.validate(["missing.yaml"]).contains { $0.contains("strategy 'learned' needs its recorded outcomes") })
        try sandbox.write("strangers.jsonl", "{\"question\": \"q\", \"scores\": {\"gpt-x\": 1}}\n")
        let strangers = try sandbox.write("strangers.yaml", pipeline("{ strategy: learned, outcomes: strangers.jsonl }"))
        #expect(throws: ConfigurationError.self) { try ConfigLoader.loadPipeline(strangers, environment: sandbox.environment) }
        do {
            _ = try ConfigLoader.loadPipeline(strangers, environment: sandbox.environment)
        } catch {
            #expect(error.description.contains("no expert of the registry has outcomes here"), "\(error)")
            #expect(error.description.contains("gpt-x"))
        }
        try sandbox.write("broken.jsonl", "{\"question\": \"q\", \"scores\": {\"alpha\": 1}}\nnot json\n")
        let broken = try sandbox.write("broken.yaml", pipeline("{ strategy: learned, outcomes: broken.jsonl }"))
        do {
            _ = try ConfigLoader.loadPipeline(broken, environment: sandbox.environment)
            Issue.record("a broken outcomes line should be an error")
        } catch {
            #expect(error.description.contains("broken.jsonl:2:1: not a JSON object"), "\(error)")
        }
    }
}
