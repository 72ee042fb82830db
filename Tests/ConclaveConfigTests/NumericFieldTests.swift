import ConclaveConfig
import Testing

/// Numbers that used to trap later (a timeout as a Duration, an infinite score as an Int) or slip through:
/// each is a diagnostic at its value naming the field and the allowed range.
@Suite struct NumericFieldTests {
    func problems(expertExtra extra: String = "", skills: String = "{ algebra: 2, geometry: -1 }") throws -> [String] {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta", extra: extra, skills: skills))
        return sandbox.validate(["Agents/beta.yaml"])
    }

    @Test func hugeTimeoutsAndConcurrencyAreOutOfRange() throws {
        #expect(
            try problems(expertExtra: "timeout_seconds: 1e300\n") == [
                "Agents/beta.yaml:9:18: field 'timeout_seconds' of expert must be between 0.001 and 86400, got '1e300'"
            ]
        )
        #expect(
            try problems(expertExtra: "timeout_seconds: .inf\nmemory_mb: 9223372036854775807\n") == [
                "Agents/beta.yaml:9:18: field 'timeout_seconds' of expert must be between 0.001 and 86400, got '.inf'",
                "Agents/beta.yaml:10:12: field 'memory_mb' of expert must be between 1 and 16777216, got '9223372036854775807'",
            ]
        )
        #expect(
            try problems(expertExtra: "sampling: { temperature: -1, max_tokens: 99999999999999999999 }\n") == [
                "Agents/beta.yaml:9:26: field 'temperature' of 'sampling' must be between 0 and 2, got '-1'",
                "Agents/beta.yaml:9:42: field 'max_tokens' of 'sampling' must be an integer, got '99999999999999999999'",
            ]
        )
    }

    @Test func baseSixtyIntegersAreNotIntegers() throws {
        // Yams reads `a:b` as base 60 and its multiplication traps on overflow.
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write(
            "Agents/beta.yaml",
            ConfigSandbox.expert(id: "beta").replacingOccurrences(of: "max_concurrency: 2", with: "max_concurrency: 9223372036854775807:0")
        )
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:8:18: field 'max_concurrency' of expert must be an integer, got '9223372036854775807:0'"
            ]
        )
    }

    @Test func infiniteAndNaNProfileScoresAreReported() throws {
        #expect(
            try problems(skills: "{ algebra: .inf, geometry: .nan }") == [
                "Agents/beta.yaml:10:22: score of 'algebra' in 'skills' must be a number between -1000000000 and 1000000000, got '.inf'",
                "Agents/beta.yaml:10:38: score of 'geometry' in 'skills' must be a number between -1000000000 and 1000000000, got '.nan'",
            ]
        )
        #expect(
            try problems(skills: "{ algebra: 1 }\n  answered: { algebra: 2.5, geometry: -.inf }\n  aggregator_score: .nan") == [
                "Agents/beta.yaml:11:24: score of 'algebra' in 'answered' must be a whole number between 0 and 1000000000, got '2.5'",
                "Agents/beta.yaml:11:39: score of 'geometry' in 'answered' must be a whole number between 0 and 1000000000, got '-.inf'",
                "Agents/beta.yaml:12:21: field 'aggregator_score' of 'profile' must be between 0 and 1, got '.nan'",
            ]
        )
    }

    @Test func measuredProfileNumbersAreChecked() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        try sandbox.write(
            "profiles/alpha.yaml",
            """
            expert: alpha
            version: -3
            questions: 1e400
            profile:
              strength: .nan
              global_rate: 7
              skills: { algebra: -.inf }
            """
        )
        try sandbox.write(
            "pipeline.yaml",
            """
            name: test
            registry: { agents: Agents, skills: Skills, profiles: profiles }
            dataset: data.jsonl
            recruiter: { k: -1, seed: -5, temperature: 0, lambda: .inf, replace_rare_below: 2 }
            runtime: { resident_models: 0, resident_memory_mb: 9223372036854775807, window: 1000000000000 }
            grader: { kind: numeric, tolerance: .nan }
            """
        )
        #expect(
            sandbox.validate(["pipeline.yaml"]) == [
                "pipeline.yaml:4:17: field 'k' of 'recruiter' must be between 1 and 100, got '-1'",
                "pipeline.yaml:4:27: field 'seed' of 'recruiter' must be at least 0, got '-5'",
                "pipeline.yaml:4:44: field 'temperature' of 'recruiter' must be between 0.01 and 100, got '0'",
                "pipeline.yaml:4:55: field 'lambda' of 'recruiter' must be between 0 and 1000000, got '.inf'",
                "pipeline.yaml:4:81: field 'replace_rare_below' of 'recruiter' must be between 0 and 1, got '2'",
                "pipeline.yaml:5:29: field 'resident_models' of 'runtime' must be between 1 and 1024, got '0'",
                "pipeline.yaml:5:52: field 'resident_memory_mb' of 'runtime' must be between 1 and 16777216, got '9223372036854775807'",
                "pipeline.yaml:5:81: field 'window' of 'runtime' must be between 1 and 1000000, got '1000000000000'",
                "pipeline.yaml:6:37: field 'tolerance' of 'grader' must be between 0 and 1, got '.nan'",
                "profiles/alpha.yaml:2:10: field 'version' of measured profile must be between 1 and 1000000000, got '-3'",
                "profiles/alpha.yaml:3:12: field 'questions' of measured profile must be an integer, got '1e400'",
                "profiles/alpha.yaml:5:13: field 'strength' of 'profile' must be between -1000000000 and 1000000000, got '.nan'",
                "profiles/alpha.yaml:6:16: field 'global_rate' of 'profile' must be between -1 and 1, got '7'",
                "profiles/alpha.yaml:7:22: score of 'algebra' in 'skills' must be a number between -1000000000 and 1000000000, got '-.inf'",
            ]
        )
    }
}
