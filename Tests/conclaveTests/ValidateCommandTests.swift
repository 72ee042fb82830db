import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func aFileWithAMisspelledKeyADuplicateIdAndADanglingSkillPrintsThreeErrors() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-validate-\(UUID().uuidString)")
        let agents = root.appendingPathComponent("Agents")
        let skills = root.appendingPathComponent("Skills")
        try FileManager.default.createDirectory(at: agents, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: skills, withIntermediateDirectories: true)
        try "domain: math\nskills:\n  - name: algebra\n".write(to: skills.appendingPathComponent("math.yaml"), atomically: true, encoding: .utf8)
        let expert = { (id: String, extra: String, skill: String) in
            """
            id: \(id)
            \(extra): remote test expert
            runtime: { kind: openai, model: m, base_url: "http://127.0.0.1:9/v1" }
            price: { input_per_million: 0, output_per_million: 0 }
            context_window: 1024
            profile: { skills: { \(skill): 1 } }
            """
        }
        try expert("alpha", "description", "algebra").write(to: agents.appendingPathComponent("alpha.yaml"), atomically: true, encoding: .utf8)
        try expert("alpha", "descripton", "algebar").write(to: agents.appendingPathComponent("beta.yaml"), atomically: true, encoding: .utf8)

        let cli = try CLIProcess(["validate", "Agents/beta.yaml"], directory: root)
        #expect(await cli.wait(seconds: 30) == 2, "problems found are bad input")
        let lines = cli.output.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "Agents/beta.yaml:1:5: duplicate expert id 'alpha' (also defined at Agents/alpha.yaml:1)",
                "Agents/beta.yaml:2:1: unknown key 'descripton' in expert (did you mean 'description'?)",
                "Agents/beta.yaml:6:22: unknown skill 'algebar' (did you mean 'algebra'?)",
            ]
        )
        #expect(cli.errors.contains("3 problems found"))

        let json = try CLIProcess(["validate", "--json", "Agents/beta.yaml"], directory: root)
        #expect(await json.wait(seconds: 30) == 2)
        let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let problems = try #require(report?["problems"] as? [[String: Any]])
        #expect(
            problems.map { "\($0["file"] ?? ""):\($0["line"] ?? ""):\($0["column"] ?? "")" }
                == ["Agents/beta.yaml:1:5", "Agents/beta.yaml:2:1", "Agents/beta.yaml:6:22"]
        )
        #expect((problems.last?["message"] as? String)?.hasPrefix("unknown skill 'algebar'") == true)

        try FileManager.default.removeItem(at: agents.appendingPathComponent("beta.yaml"))
        let clean = try CLIProcess(["validate"], directory: root)
        #expect(await clean.wait(seconds: 30) == 0)
        #expect(clean.output.contains("no problems found"))
    }
}
