import Foundation
import Testing

/// Every collaboration mode through the real CLI on the local llama.cpp models over quickstart questions:
/// each answers every instance, takes its steps, and runs each step's calls grouped so that no model is
/// asked for twice in a step (so loads per step are at most its distinct models).
@Suite(.serialized) struct ModesEndToEndTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-modes-\(UUID().uuidString)")

    /// The steps progress printed, each with the models of its groups in order.
    static func steps(in errors: String) -> [(step: String, models: [String])] {
        var steps: [(String, [String])] = []
        for line in errors.split(separator: "\n") {
            if line.hasPrefix("stage "), let colon = line.firstIndex(of: ":") {
                steps.append((String(line[line.index(line.startIndex, offsetBy: 6)..<colon]), []))
            } else if line.hasPrefix("  model "), !steps.isEmpty {
                steps[steps.count - 1].1.append(String(line.dropFirst(8)))
            }
        }
        return steps
    }

    @Test(arguments: [
        ("single", ["expert"]),
        ("ensemble", ["expert", "aggregator"]),
        ("debate", ["expert", "expert round 2", "aggregator"]),
        ("reflection", ["expert", "expert round 2", "expert round 3", "expert round 4", "expert round 5"]),
        ("chain", ["expert", "expert round 2", "expert round 3"]),
        ("layered", ["expert", "expert round 2", "aggregator"]),
    ])
    func theModeRunsEndToEndOnTheLocalModels(mode: String, expected: [String]) async throws {
        let cli = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--limit", "2", "--mode", mode, "--json", "--out", out.appendingPathComponent(mode).path,
            "--store", out.appendingPathComponent("\(mode).sqlite").path,
        ])
        #expect(await cli.wait(seconds: 300) == 0, "\(cli.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any], "\(cli.output)")
        #expect(summary["instances"] as? Int == 2 && summary["answered"] as? Int == 2, "\(cli.output)")
        let modes = try #require(summary["modes"] as? [[String: Any]])
        #expect(modes.count == 1 && modes.first?["mode"] as? String == mode)
        let steps = Self.steps(in: cli.errors)
        #expect(steps.map(\.step) == expected, "\(cli.errors)")
        var groups = 0
        for step in steps {
            #expect(step.models.count == Set(step.models).count, "\(step.step) asks for a model twice: \(step.models)")
            groups += step.models.count
        }
        #expect((summary["model_loads"] as? Int ?? .max) <= groups, "a load per step and distinct model at most")
    }
}
