import AsyncHTTPClient
import ConclaveStore
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The job service as users run it: `conclave serve` for the API and two `conclave worker` processes on the
/// local models. One worker is killed with SIGKILL in the middle of a job; the other finishes the job once
/// the dead worker's leases expire, with no completed call made again; SIGTERM then drains and stops the
/// rest, leaving no llama-server behind.
@Suite(.serialized) struct ServiceProcessTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-service-\(UUID().uuidString)")

    func request(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer test-token")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), ((try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]) ?? [:])
    }

    @Test func aWorkerKilledMidJobLosesNothingAndRepeatsNoCall() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let repository = CLIProcess.repository.path
        let store = root.appendingPathComponent("service.sqlite").path
        try """
        listen: { host: 127.0.0.1, port: 0 }
        store: \(store)
        pipelines: { quickstart: \(repository)/examples/quickstart/pipeline.yaml }
        workers: { count: 0, batch: 2, lease_seconds: 3 }
        auth: { tokens_env: CONCLAVE_TEST_TOKENS }
        """.write(to: root.appendingPathComponent("conclave.yaml"), atomically: true, encoding: .utf8)
        let environment = ["CONCLAVE_TEST_TOKENS": "test-token"]
        let config = root.appendingPathComponent("conclave.yaml").path
        let server = try CLIProcess(["serve", "--config", config], environment: environment)
        var port: String?
        for _ in 0..<300 where port == nil {
            port = server.errors.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }.map {
                String($0.split(separator: ":").last ?? "")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let base = "http://127.0.0.1:\(try #require(port, "\(server.errors)"))"
        let doomed = try CLIProcess(["worker", "--config", config], environment: environment)
        let survivor = try CLIProcess(["worker", "--config", config], environment: environment)
        let client = HTTPClient.conclave()
        do {
            try await exercise(client: client, base: base, store: store, server: server, doomed: doomed, survivor: survivor)
        } catch {
            for process in [server, doomed, survivor] where process.process.isRunning { kill(process.process.processIdentifier, SIGKILL) }
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func exercise(client: HTTPClient, base: String, store: String, server: CLIProcess, doomed: CLIProcess, survivor: CLIProcess) async throws {
        let repository = CLIProcess.repository.path

        let lines = try String(contentsOfFile: "\(repository)/examples/quickstart/questions.jsonl", encoding: .utf8).split(separator: "\n").prefix(6)
        let (status, job) = try await request(
            client,
            .POST,
            "\(base)/v1/jobs",
            body: #"{"pipeline": "quickstart", "instances": [\#(lines.joined(separator: ","))]}"#
        )
        #expect(status == 202, "\(job)")
        let id = try #require(job["id"] as? String)
        let ids = lines.compactMap { ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["id"] as? String }

        // Kill one worker once it has made calls, and note every call stored at that moment.
        let runs = try SQLiteRunStore(path: store)
        func storedCalls() throws -> [String: Date] {
            var found: [String: Date] = [:]
            for instance in ids {
                for call in try runs.calls(run: id, instance: instance) {
                    found["\(instance) \(call.key.stage) \(call.key.round) \(call.key.seat ?? -1)"] = call.savedAt
                }
            }
            return found
        }
        var before: [String: Date] = [:]
        for _ in 0..<600 where before.count < 3 {
            try await Task.sleep(for: .milliseconds(100))
            before = try storedCalls()
        }
        let orphans = doomed.serverChildren()
        kill(doomed.process.processIdentifier, SIGKILL)
        before = try storedCalls()
        for pid in orphans { kill(pid, SIGKILL) }  // a killed worker cannot stop its own llama-servers
        #expect(before.count >= 3, "the workers made calls before the kill")

        var finished = false
        for _ in 0..<1800 where !finished {
            try await Task.sleep(for: .milliseconds(100))
            let (_, report) = try await request(client, .GET, "\(base)/v1/jobs/\(id)")
            finished = (report["job"] as? [String: Any])?["status"] as? String == "completed"
        }
        #expect(finished, "the surviving worker finished the job")
        let (_, report) = try await request(client, .GET, "\(base)/v1/jobs/\(id)")
        #expect((report["answered"] as? Int ?? 0) + (report["failed"] as? Int ?? 0) == 6, "no instance is lost: \(report)")
        let after = try storedCalls()
        for (key, savedAt) in before { #expect(after[key] == savedAt, "call \(key) was made again") }

        let servers = survivor.serverChildren()
        kill(survivor.process.processIdentifier, SIGTERM)
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await survivor.wait(seconds: 60) == 0, "\(survivor.errors)")
        #expect(await server.wait(seconds: 60) == 0, "\(server.errors)")
        #expect(servers.allSatisfy { !CLIProcess.isAlive($0) }, "llama-server left running")
    }
}
