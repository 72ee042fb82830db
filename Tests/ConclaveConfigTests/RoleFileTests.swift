import ConclaveCore
import Foundation
import Testing

@testable import ConclaveConfig

/// Roles in `Skills/*.yaml`: their optional description and output format are read, checked like every
/// other field, and the output format reaches the prompts.
@Suite struct RoleFileTests {
    @Test func descriptionAndOutputFormatAreReadAndReachThePrompt() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write(
            "Skills/math.yaml",
            """
            domain: mathematics
            skills:
              - name: algebra
            roles:
              - name: Critic
                description: Checks another answer for errors.
                instructions: Find the first mistake.
                output_format: "Verdict: correct or incorrect."
                skills: [algebra]
              - name: Solver
                instructions: Solve it.
            """
        )
        let skills = try ConfigLoader.loadSkills(directory: sandbox.path("Skills"), environment: sandbox.environment)
        #expect(skills.map(\.name) == ["algebra"])
        try sandbox.write("Agents/alpha.yaml", ConfigSandbox.expert(id: "alpha", skills: "{ algebra: 1 }"))
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        let path = try sandbox.write(
            "pipeline.yaml",
            "name: t\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\naggregator: { expert: alpha, role: Critic }\n"
        )
        let registry = try ConfigLoader.loadPipeline(path, environment: sandbox.environment).registry
        let critic = try #require(registry.role(named: "Critic"))
        #expect(critic.description == "Checks another answer for errors.")
        #expect(critic.outputFormat == "Verdict: correct or incorrect.")
        #expect(registry.role(named: "Solver")?.outputFormat == nil)
        let expert = try #require(registry.expert("alpha"))
        let messages = Prompts.expert(instance: Instance(id: "q", text: "Solve x + 1 = 2"), role: critic, expert: expert)
        #expect(messages.first?.content.contains("Find the first mistake.\n\nOutput format: Verdict: correct or incorrect.") == true)
        #expect(
            Prompts.expert(instance: Instance(id: "q", text: "q"), role: registry.role(named: "Solver"), expert: expert).first?.content == "Solve it."
        )
    }

    @Test func anUnknownRoleFieldIsNamedWithItsPosition() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write(
            "Skills/math.yaml",
            "domain: mathematics\nskills:\n  - name: algebra\nroles:\n  - name: Critic\n    instructions: x\n    output_fromat: y\n"
        )
        let problems = sandbox.validate(["Skills/math.yaml"])
        #expect(
            problems.contains { $0.hasPrefix("Skills/math.yaml:7:5: unknown key 'output_fromat' in role") && $0.contains("output_format") },
            "\(problems)"
        )
    }
}
