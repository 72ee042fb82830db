import Foundation
import Testing

/// The quickstart pipeline end to end through the real CLI, real llama-server and real models.
@Suite(.serialized) struct QuickstartTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-quickstart-\(UUID().uuidString)")

    @Test func threeQuestionsProduceACompleteResultsFileAndLeaveNoServer() async throws {
        let cli = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--limit", "3", "--out", out.path,
            "--store", out.appendingPathComponent("store.sqlite").path,
        ])
        var servers: Set<Int32> = []
        while cli.process.isRunning {
            servers.formUnion(cli.serverChildren())
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(cli.process.terminationStatus == 0, "\(cli.errors)")
        #expect(!servers.isEmpty, "the run should have started at least one llama-server")
        #expect(servers.allSatisfy { !CLIProcess.isAlive($0) }, "llama-server left running: \(servers)")
        #expect(cli.output.contains("accuracy"))
        #expect(cli.output.contains("model loads"))

        let lines = try String(contentsOf: out.appendingPathComponent("results.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(result["id"] is String)
            #expect((result["skills"] as? [String])?.isEmpty == false, "every quickstart question names a skill")
            #expect((result["experts"] as? [String])?.count == 3)
            let responses = try #require(result["responses"] as? [[String: Any]])
            #expect(responses.count == 3)
            for response in responses {
                #expect((response["text"] as? String)?.isEmpty == false)
                #expect((response["output_tokens"] as? Int ?? 0) > 0)
                #expect((response["latency_ms"] as? Double ?? 0) > 0)
            }
            #expect((result["final_answer"] as? String)?.isEmpty == false)
            #expect(result["correct"] is Bool)
            #expect((result["input_tokens"] as? Int ?? 0) > 0 && (result["output_tokens"] as? Int ?? 0) > 0)
            #expect((result["latency_ms"] as? Double ?? 0) > 0)
            #expect(result["gold"] is String)
        }
        let logs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("logs").path)
        #expect(logs.contains { $0.hasPrefix("llama-server-") })
    }

    @Test func withJSONStandardOutputIsOneJSONSummary() async throws {
        let cli = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--limit", "1", "--json", "--out", out.path,
            "--store", out.appendingPathComponent("store.sqlite").path,
        ])
        #expect(await cli.wait(seconds: 120) == 0, "\(cli.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any], "\(cli.output)")
        #expect(summary["instances"] as? Int == 1 && summary["calls"] as? Int == 4)
        #expect(summary["run_id"] is String && summary["wall_seconds"] is Double)
        #expect(cli.errors.contains("stage expert"), "progress stays on standard error")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalMidRunStopsEveryServerAndSaysHow(signal: Int32) async throws {
        let cli = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--out", out.path, "--grace", "20",
            "--store", out.appendingPathComponent("store.sqlite").path,
        ])
        let servers = try await cli.firstServers(within: 90)
        try #require(!servers.isEmpty, "no llama-server started: \(cli.errors)")
        try await Task.sleep(nanoseconds: 1_500_000_000)
        kill(cli.process.processIdentifier, signal)
        let status = await cli.wait(seconds: 30)
        #expect(status == 130, "\(cli.errors)")
        #expect(cli.errors.contains("resume with: conclave run examples/quickstart/pipeline.yaml --run-id "))
        #expect(servers.allSatisfy { !CLIProcess.isAlive($0) }, "llama-server left running: \(servers)")
    }

    @Test func aSecondSignalKillsTheServersAtOnce() async throws {
        let cli = try CLIProcess([
            "run", "examples/quickstart/pipeline.yaml", "--out", out.path, "--grace", "60",
            "--store", out.appendingPathComponent("store.sqlite").path,
        ])
        let servers = try await cli.firstServers(within: 90)
        try #require(!servers.isEmpty, "no llama-server started: \(cli.errors)")
        kill(cli.process.processIdentifier, SIGINT)
        try await Task.sleep(nanoseconds: 300_000_000)
        kill(cli.process.processIdentifier, SIGINT)
        let status = await cli.wait(seconds: 30)
        #expect(status == 130, "\(cli.errors)")
        #expect(cli.errors.contains("Press Ctrl-C again to stop at once"), "\(cli.errors)")
        #expect(!cli.errors.contains("every finished call is saved"), "the second signal should not wait for the graceful end: \(cli.errors)")
        #expect(servers.allSatisfy { !CLIProcess.isAlive($0) }, "llama-server left running: \(servers)")
    }
}
