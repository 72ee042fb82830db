import ConclaveStore
import Foundation
import Testing

/// A run killed with SIGKILL mid-way and started again with the same id finishes without repeating any
/// call that had completed.
@Suite(.serialized) struct ResumeTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-resume-\(UUID().uuidString)")
    var storePath: String { root.appendingPathComponent("store.sqlite").path }
    let instances = [
        "math-01", "math-02", "math-03", "math-04", "math-05", "math-06", "sci-01", "sci-02",
        "sci-03", "sci-04", "sci-05", "hum-01", "hum-02", "hum-03", "hum-04", "hum-05",
    ]

    func successfulCalls(_ store: SQLiteRunStore) throws -> [CallKey: Date] {
        var found: [CallKey: Date] = [:]
        for instance in instances {
            for call in try store.calls(run: "resume", instance: instance) where call.record.succeeded { found[call.key] = call.savedAt }
        }
        return found
    }

    @Test func aKilledRunResumesWithoutRepeatingCompletedCalls() async throws {
        let arguments = [
            "run", "examples/quickstart/pipeline.yaml", "--run-id", "resume", "--store", storePath,
            "--out", root.appendingPathComponent("out").path,
        ]
        let first = try CLIProcess(arguments)
        var servers: Set<Int32> = []
        var before: [CallKey: Date] = [:]
        let deadline = Date().addingTimeInterval(120)
        while first.process.isRunning, Date() < deadline {
            servers.formUnion(first.serverChildren())
            if FileManager.default.fileExists(atPath: storePath), let store = try? SQLiteRunStore(path: storePath),
                let calls = try? successfulCalls(store), calls.count >= 10
            {
                break
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        try #require(first.process.isRunning, "the first run ended before it could be killed: \(first.errors)")
        kill(first.process.processIdentifier, SIGKILL)
        _ = await first.wait(seconds: 10)
        before = try successfulCalls(try SQLiteRunStore(path: storePath))
        let orphans = servers.filter(CLIProcess.isAlive)
        #expect(!orphans.isEmpty, "SIGKILL gives Conclave no chance to stop its servers")
        #expect(before.count >= 10 && before.count < 64, "killed mid-run: \(before.count) calls saved")

        let second = try CLIProcess(arguments)
        #expect(await second.wait(seconds: 240) == 0, "\(second.errors)")
        #expect(orphans.allSatisfy { !CLIProcess.isAlive($0) }, "the next run should stop the servers a killed run left behind")
        #expect(second.errors.contains("run resume of pipeline quickstart"))
        let after = try successfulCalls(try SQLiteRunStore(path: storePath))
        for (key, savedAt) in before {
            #expect(after[key] == savedAt, "call \(key) was sent again")
        }
        let store = try SQLiteRunStore(path: storePath)
        let run = try #require(try store.run("resume"))
        #expect(run.answered + run.failed == 16)
        #expect(run.status == .completed)
        let lines = try String(contentsOf: root.appendingPathComponent("out/results.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 16)
    }
}
