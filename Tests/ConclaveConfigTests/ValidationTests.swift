import ConclaveConfig
import Foundation
import Testing

@Suite struct ValidationTests {
    @Test func aValidRegistryHasNoProblems() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        #expect(sandbox.validate(["Agents", "Skills"]) == [])
    }

    @Test func yamlSyntaxErrorsArePositioned() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/broken.yaml", "id: broken\ndescription: [unclosed\nprice: 1\n")
        let problems = sandbox.validate(["Agents/broken.yaml"])
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("Agents/broken.yaml:3:") == true)
        #expect(problems.first?.contains("YAML syntax error") == true)
    }

    @Test func unknownKeysAreNamedWithASuggestion() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta", extra: "timout_seconds: 5\n"))
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:9:1: unknown key 'timout_seconds' in expert (did you mean 'timeout_seconds'?)"
            ]
        )
    }

    @Test func wrongTypesAreReportedAtTheValue() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write(
            "Agents/beta.yaml",
            ConfigSandbox.expert(id: "beta").replacingOccurrences(of: "max_concurrency: 2", with: "max_concurrency: four")
        )
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:8:18: field 'max_concurrency' of expert must be an integer, got 'four'"
            ]
        )
    }

    @Test func missingFieldsAreReportedAtTheirMapping() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write(
            "Agents/beta.yaml",
            ConfigSandbox.expert(id: "beta").replacingOccurrences(of: "context_window: 2048\n", with: "")
                .replacingOccurrences(of: ", output_per_million: 0.2", with: "")
        )
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:1:1: missing field 'context_window' in expert",
                "Agents/beta.yaml:6:8: missing field 'output_per_million' in 'price'",
            ]
        )
    }

    @Test func duplicateIdsAreReportedInTheFileAskedAbout() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/copy.yaml", ConfigSandbox.expert(id: "alpha"))
        let problems = sandbox.validate(["Agents/copy.yaml"])
        #expect(problems == ["Agents/copy.yaml:1:5: duplicate expert id 'alpha' (also defined at Agents/alpha.yaml:1)"])
    }

    @Test func danglingSkillReferencesAreNamed() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta", skills: "{ algebra: 1, algebrra: 2 }"))
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:10:25: unknown skill 'algebrra' (did you mean 'algebra'?)"
            ]
        )
    }

    @Test func oneFileWithAMisspelledKeyADuplicateIdAndADanglingSkillGivesThreeErrors() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/new.yaml", ConfigSandbox.expert(id: "alpha", extra: "descriptio: typo\n", skills: "{ geometri: 1 }"))
        let problems = sandbox.validate(["Agents/new.yaml"])
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.range(of: #"^Agents/new\.yaml:\d+:\d+: "#, options: .regularExpression) != nil })
    }

    @Test func roleSkillsAndDuplicateSkillsInSkillsFiles() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write(
            "Skills/science.yaml",
            """
            domain: science
            skills:
              - name: algebra
            roles:
              - name: Chemist
                instructions: Mind the units.
                skills: [chemistry]
            """
        )
        let problems = sandbox.validate(["Skills/science.yaml"])
        #expect(
            problems == [
                "Skills/science.yaml:3:11: duplicate skill 'algebra' (also defined at Skills/math.yaml:3)",
                "Skills/science.yaml:7:14: unknown skill 'chemistry' (expected one of: algebra, geometry)",
            ]
        )
    }

    @Test func unreadableModelFilesAndUndefinedVariables() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Agents/beta.yaml", ConfigSandbox.expert(id: "beta").replacingOccurrences(of: "tiny.gguf", with: "missing.gguf"))
        try sandbox.write("Agents/gamma.yaml", ConfigSandbox.expert(id: "gamma").replacingOccurrences(of: "CONCLAVE_MODELS", with: "NOPE"))
        let problems = sandbox.validate(["Agents/beta.yaml", "Agents/gamma.yaml"])
        #expect(problems.count == 2)
        #expect(
            problems[0].hasPrefix("Agents/beta.yaml:5:10: model file '")
                && problems[0].hasSuffix("missing.gguf' is not readable (run scripts/setup.sh to install the local models)")
        )
        #expect(problems[1].hasPrefix("Agents/gamma.yaml:5:10: undefined variable ${NOPE}"))
    }

    @Test func openAIRuntimeNeedsAnHTTPBaseURLAndUnknownKindsAreNamed() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        let remote = ConfigSandbox.expert(id: "remote").replacingOccurrences(
            of: """
                  kind: llama.cpp
                  model: ${CONCLAVE_MODELS}/tiny.gguf
                """,
            with: """
                  kind: openai
                  model: qwen
                  base_url: ftp://example
                  api_key_env: KEY
                """
        )
        try sandbox.write("Agents/remote.yaml", remote)
        try sandbox.write("Agents/odd.yaml", ConfigSandbox.expert(id: "odd").replacingOccurrences(of: "kind: llama.cpp", with: "kind: lama.cpp"))
        #expect(
            sandbox.validate(["Agents/remote.yaml", "Agents/odd.yaml"]) == [
                "Agents/odd.yaml:4:9: unknown runtime kind 'lama.cpp' (did you mean 'llama.cpp'?)",
                "Agents/remote.yaml:6:13: base_url 'ftp://example' must be an http or https URL",
            ]
        )
    }
}

@Suite struct UnreadableConfigTests {
    @Test func aFileThatIsNotUTF8IsReportedAtTheLineOfItsFirstBadByte() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try (Data("domain: x\nskills:\n  - name: caf".utf8) + Data([0xC3]) + Data("\n".utf8)).write(
            to: sandbox.root.appendingPathComponent("Skills/bad.yaml")
        )
        #expect(sandbox.validate(["Skills/bad.yaml"]) == ["Skills/bad.yaml:3:1: the file is not valid UTF-8 (first invalid byte on this line)"])
    }
}

@Suite struct OddConfigTests {
    @Test func aSyntaxErrorAtTheEndOfAFileIsPlacedOnItsLastLine() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("Skills/cut.yaml", "domain: x\nskills")
        #expect(sandbox.validate(["Skills/cut.yaml"]) == ["Skills/cut.yaml:2:7: YAML syntax error: could not find expected ':'"])
        try sandbox.write("Skills/comments.yaml", "---\n# only a comment")
        #expect(sandbox.validate(["Skills/comments.yaml"]) == ["Skills/comments.yaml:1:1: the file is empty"])
        try sandbox.write("Skills/deep.yaml", "domain: " + String(repeating: "[", count: 2_000))
        #expect(sandbox.validate(["Skills/deep.yaml"]).first?.hasSuffix("YAML syntax error: lists or mappings nested too deeply") == true)
    }

    @Test func aHugeValueIsCutInTheMessage() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        let huge = String(repeating: "9", count: 100_000)
        try sandbox.write(
            "Agents/beta.yaml",
            ConfigSandbox.expert(id: "beta").replacingOccurrences(of: "max_concurrency: 2", with: "max_concurrency: \(huge)")
        )
        #expect(
            sandbox.validate(["Agents/beta.yaml"]) == [
                "Agents/beta.yaml:8:18: field 'max_concurrency' of expert must be an integer, got '\(huge.prefix(60))…' (100000 characters)"
            ]
        )
    }

    @Test func aMeasuredProfileCheckedAloneIsReadAsAProfile() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("profiles/alpha.yaml", "expert: alpha\nquestions: -2\nprofile:\n  skills: { algebra: 1 }\n")
        #expect(
            sandbox.validate(["profiles/alpha.yaml"]) == [
                "profiles/alpha.yaml:2:12: field 'questions' of measured profile must be between 0 and 1000000000, got '-2'"
            ]
        )
    }
}
