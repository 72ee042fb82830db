import Foundation
import Testing

@Suite struct ExplainAndEvalRoutingTests {
    @Test func explainShowsTheKeywordMappingTheScoresAndTheTeam() async throws {
        let cli = try CLIProcess(["explain", "examples/quickstart/pipeline.yaml", "--question", "Solve the equation 2x + 3 = 7 for x"])
        #expect(await cli.wait(seconds: 60) == 0, "\(cli.errors)")
        #expect(cli.output.contains("“equation” → algebra"))
        #expect(cli.output.contains("smollm2-mathematician  1 "))
        #expect(cli.output.contains("team        smollm2-mathematician"))
        #expect(cli.output.contains("aggregator  smollm2-judge"))

        let json = try CLIProcess(["explain", "examples/quickstart/pipeline.yaml", "--instance", "math-01", "--json"])
        #expect(await json.wait(seconds: 60) == 0, "\(json.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let decision = try #require(object["decision"] as? [String: Any])
        #expect(decision["instance_id"] as? String == "math-01")
        #expect((decision["recruitment"] as? [String: Any])?["team"] as? [String] != nil)

        let missing = try CLIProcess(["explain", "examples/quickstart/pipeline.yaml", "--instance", "no-such-id"])
        #expect(await missing.wait(seconds: 60) != 0)
        #expect(missing.errors.contains("no instance 'no-such-id'"))
    }

    @Test func evalRoutingPrintsTheTableJSONAndChartForAHandMadeMatrix() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-routing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let rows = (0..<40).map { index in
            index.isMultiple(of: 2)
                ? #"{"id": "a\#(index)", "question": "algebra item", "scores": {"cheap": 1, "dear": 0}}"#
                : #"{"id": "b\#(index)", "question": "biology item", "scores": {"cheap": 0, "dear": 1}}"#
        }
        try (rows + ["not json"]).joined(separator: "\n").write(to: root.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
        try #"{"cheap": {"input_price_per_mtok": 1, "output_price_per_mtok": 1}, "dear": {"input_price_per_mtok": 10, "output_price_per_mtok": 10}}"#
            .write(to: root.appendingPathComponent("models.json"), atomically: true, encoding: .utf8)
        let skills = CLIProcess.repository.appendingPathComponent("Skills").path
        let cli = try CLIProcess(["eval-routing", "--outcomes", "train.jsonl", "--models", "models.json", "--folds", "4", "--skills", skills,
                                  "--min-term-count", "1000", "--plot", "chart.svg"], directory: root)
        #expect(await cli.wait(seconds: 60) == 0, "\(cli.errors)")
        #expect(cli.errors.contains("train.jsonl:41:1: not a JSON object"))
        #expect(cli.output.contains("40 questions, 4-fold cross-validation"))
        let oracle = try #require(cli.output.split(separator: "\n").first { $0.hasPrefix("oracle") })
        #expect(oracle.contains("1.0000"))
        let chart = try String(contentsOf: root.appendingPathComponent("chart.svg"), encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("cost-aware (λ sweep)"))

        let json = try CLIProcess(["eval-routing", "--outcomes", "train.jsonl", "--models", "models.json", "--test", "train.jsonl", "--skills", skills, "--json"], directory: root)
        #expect(await json.wait(seconds: 60) == 0, "\(json.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(report["instances"] as? Int == 40)
        #expect((report["lines"] as? [[String: Any]])?.count ?? 0 > 10)

        try #"{"cheap": {"input_price_per_mtok": 1, "output_price_per_mtok": 1}}"#.write(to: root.appendingPathComponent("models.json"), atomically: true, encoding: .utf8)
        let unpriced = try CLIProcess(["eval-routing", "--outcomes", "train.jsonl", "--models", "models.json"], directory: root)
        #expect(await unpriced.wait(seconds: 60) != 0)
        #expect(unpriced.errors.contains("model 'dear' has scores but no price"))
    }
}
