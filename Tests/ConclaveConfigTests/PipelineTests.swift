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

    @Test func aBudgetIsReadAndANegativeOneIsNamed() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        let path = try sandbox.write(
            "pipeline.yaml",
            pipeline(extra: "budget: { per_instance: 0.002, per_run: 1.5, per_instance_tokens: 900, per_run_tokens: 50000 }")
        )
        #expect(
            try ConfigLoader.loadPipeline(path, environment: sandbox.environment).spec.budget
                == Budget(perInstance: 0.002, perRun: 1.5, perInstanceTokens: 900, perRunTokens: 50000)
        )
        try sandbox.write("negative.yaml", pipeline(extra: "budget: { per_run: -1, per_call: 2, per_run_tokens: 1.5 }"))
        let problems = sandbox.validate(["negative.yaml"])
        #expect(problems.contains { $0.contains("per_run") }, "\(problems)")
        #expect(problems.contains { $0.contains("unknown key 'per_call'") }, "\(problems)")
        #expect(problems.contains { $0.contains("per_run_tokens") }, "a token limit is a whole number: \(problems)")
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
        try sandbox.write(
            "pipeline.yaml",
            pipeline("expert: alfa\n  role: Poet", extra: "extractor: magic\n")
                .replacingOccurrences(of: "top-k", with: "topk")
        )
        let problems = sandbox.validate(["pipeline.yaml"])
        #expect(
            problems == [
                "pipeline.yaml:5:10: dataset 'data.jsonl' is not readable",
                "pipeline.yaml:6:24: unknown strategy 'topk' (did you mean 'top-k'?)",
                "pipeline.yaml:8:11: unknown expert 'alfa' (did you mean 'alpha'?)",
                "pipeline.yaml:9:9: unknown role 'Poet' (expected one of: Mathematician)",
                "pipeline.yaml:11:12: unknown extractor 'magic' (expected one of: lexical, model)",
            ]
        )
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

    @Test func measuredProfilesReplaceTheExpertsOwnAndNameWhatIsWrong() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta", extra: "", skills: "{ geometry: 1 }"))
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        let measured = ProfileRecord(
            expert: "alpha",
            version: 3,
            runID: "profile-1",
            dataset: "val.jsonl",
            measuredAt: Date(timeIntervalSince1970: 1_800_000_000),
            questions: 10,
            correct: 7,
            failedCalls: 1,
            profile: Profile(
                skills: ["algebra": 4, "geometry": -2],
                aggregatorScore: 0.75,
                answered: ["algebra": 6, "geometry": 2],
                globalRate: 0.4
            )
        )
        try sandbox.write("profiles/alpha.yaml", measured.yaml)
        // No aggregator expert: the best aggregator score wins (alpha's measured 0.75 over beta's 0).
        let path = try sandbox.write(
            "pipeline.yaml",
            pipeline("role: Mathematician").replacingOccurrences(of: "skills: Skills", with: "skills: Skills\n  profiles: profiles")
        )
        let loaded = try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        let alpha = try #require(loaded.registry.expert("alpha"))
        #expect(alpha.profile == measured.profile)
        #expect(loaded.registry.expert("beta")?.profile.skills == ["geometry": 1])
        #expect(loaded.spec.aggregatorExpert == "alpha" && !loaded.spec.aggregatorPinned)
        #expect(loaded.measuredProfiles.map(\.dataset) == ["val.jsonl"])
        #expect(loaded.profilesMeasuredOnDataset.isEmpty)

        // Profiles measured on the very dataset the pipeline runs are named, so `run` can warn.
        var peeking = measured
        peeking.dataset = sandbox.path("data.jsonl")
        try sandbox.write("profiles/alpha.yaml", peeking.yaml)
        let warned = try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        #expect(warned.profilesMeasuredOnDataset.map(\.expert) == ["alpha"])
        try sandbox.write("profiles/alpha.yaml", measured.yaml)

        // A profile of an unknown expert, or naming an unknown skill, is reported where it is written.
        var stray = measured
        stray.expert = "alfa"
        stray.profile.skills = ["chess": 1]
        try sandbox.write("profiles/alfa.yaml", stray.yaml)
        let problems = sandbox.validate(["pipeline.yaml"])
        #expect(problems.contains("profiles/alfa.yaml:3:9: profile of unknown expert 'alfa' (did you mean 'alpha'?)"), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("profiles/alfa.yaml:") && $0.contains("unknown skill 'chess'") }, "\(problems)")
    }

    @Test func modelExtractorSettingsAndTheirExpertAreChecked() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        let extractor = """
            extractor:
              kind: model
              expert: alpha
              samples: 3
              embeddings: { base_url: http://127.0.0.1:9/v1, model: embed, min_similarity: 0.7 }
            """
        let path = try sandbox.write("pipeline.yaml", pipeline(extra: extractor))
        let loaded = try ConfigLoader.loadPipeline(path, environment: sandbox.environment)
        #expect(
            loaded.spec.extractor
                == .model(
                    ModelExtractorSpec(
                        expert: "alpha",
                        samples: 3,
                        embeddings: EmbeddingEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "embed", minSimilarity: 0.7)
                    )
                )
        )
        #expect(loaded.spec.aggregatorPinned)
        try sandbox.write("pipeline.yaml", pipeline(extra: "extractor: { kind: model, expert: alfa }\n"))
        #expect(sandbox.validate(["pipeline.yaml"]) == ["pipeline.yaml:11:35: unknown extractor expert 'alfa' (did you mean 'alpha'?)"])
        try sandbox.write("pipeline.yaml", pipeline(extra: "extractor: model\n"))
        #expect(
            sandbox.validate(["pipeline.yaml"]) == ["pipeline.yaml:11:12: extractor 'model' needs its expert: extractor: { kind: model, expert: ID }"]
        )
    }
}
