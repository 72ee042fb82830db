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

    @Test func evalRoutingPrintsTheSelectionTableJSONAndChartAndRefusesBadInputs() async throws {
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
        let cli = try CLIProcess(
            [
                "eval-routing", "--outcomes", "train.jsonl", "--models", "models.json", "--folds", "4", "--skills", skills,
                "--min-term-count", "1000", "--plot", "chart.svg",
            ],
            directory: root
        )
        #expect(await cli.wait(seconds: 60) == 0, "\(cli.errors)")
        #expect(cli.errors.contains("train.jsonl:41:1: not a JSON object"))
        #expect(cli.output.contains("40 questions, 4-fold cross-validation"))
        let lines = cli.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("routing evaluation") == true)
        let headline = try #require(lines.firstIndex { $0.hasPrefix("selected configuration: ") })
        let table = try #require(lines.firstIndex { $0.hasPrefix("diagnostics: ") })
        #expect(headline < table && lines[headline...].contains { $0.contains("verdict: ") })
        #expect(lines.first { $0.hasPrefix("oracle") }?.contains("1.0000") == true)
        let chart = try String(contentsOf: root.appendingPathComponent("chart.svg"), encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("cost-aware (λ sweep)") && chart.contains("selected on training data"))

        try rows.prefix(20).map {
            $0.replacingOccurrences(of: "\"id\": \"", with: "\"id\": \"t").replacingOccurrences(of: " item", with: " exercise")
        }
        .joined(separator: "\n").write(to: root.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
        let json = try CLIProcess(
            [
                "eval-routing", "--outcomes", "train.jsonl", "--models", "models.json", "--test", "test.jsonl", "--skills", skills,
                "--seeds", "2", "--json",
            ],
            directory: root
        )
        #expect(await json.wait(seconds: 60) == 0, "\(json.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(report["instances"] as? Int == 20)
        #expect((report["lines"] as? [[String: Any]])?.count ?? 0 > 10)
        #expect((report["diagnostic_note"] as? String)?.contains("peeks") == true)
        let selected = try #require(report["selected"] as? [String: Any])
        for key in ["name", "strategy", "accuracy", "cost", "relative_cost", "difference_from_best_single", "beats_best_single", "picks"] {
            #expect(selected[key] != nil, "selected.\(key)")
        }
        #expect((selected["accuracy_interval"] as? [Double])?.count == 2 && (selected["difference_interval"] as? [Double])?.count == 2)
        #expect(((report["seeds"] as? [String: Any])?["seeds"] as? [Int]) == [42, 43])

        let peeking = try CLIProcess(
            ["eval-routing", "--outcomes", "train.jsonl", "--models", "models.json", "--test", "train.jsonl", "--skills", skills],
            directory: root
        )
        #expect(await peeking.wait(seconds: 60) != 0)
        #expect(peeking.errors.contains("40 row(s) repeat a row of train.jsonl (same id or same question text): id 'a0', id 'b1'"))

        try "".write(to: root.appendingPathComponent("empty.jsonl"), atomically: true, encoding: .utf8)
        for (outcomes, test) in [("empty.jsonl", nil), ("train.jsonl", "empty.jsonl")] as [(String, String?)] {
            let empty = try CLIProcess(
                ["eval-routing", "--outcomes", outcomes, "--models", "models.json"] + (test.map { ["--test", $0] } ?? []),
                directory: root
            )
            #expect(await empty.wait(seconds: 60) == 1)
            #expect(empty.errors.contains("empty.jsonl:1:1: no rows: the file is empty"), "\(empty.errors)")
        }
        try "{}".write(to: root.appendingPathComponent("none.json"), atomically: true, encoding: .utf8)
        let noModels = try CLIProcess(["eval-routing", "--outcomes", "train.jsonl", "--models", "none.json"], directory: root)
        #expect(await noModels.wait(seconds: 60) == 1)
        #expect(noModels.errors.contains("none.json:1:1: no models"))

        try #"{"cheap": {"input_price_per_mtok": 1, "output_price_per_mtok": 1}}"#.write(
            to: root.appendingPathComponent("models.json"),
            atomically: true,
            encoding: .utf8
        )
        let unpriced = try CLIProcess(["eval-routing", "--outcomes", "train.jsonl", "--models", "models.json"], directory: root)
        #expect(await unpriced.wait(seconds: 60) != 0)
        #expect(unpriced.errors.contains("model 'dear' has scores but no price"))
    }
}
