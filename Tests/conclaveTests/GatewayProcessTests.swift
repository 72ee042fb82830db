import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The OpenAI-compatible endpoint of `conclave serve` in front of the local models: a single-expert
/// pipeline is forwarded to the llama-server Conclave starts for the recruited expert, plain and streamed,
/// both recorded in the store; SIGTERM then stops the server and its llama-server.
@Suite(.serialized) struct GatewayProcessTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-gateway-\(UUID().uuidString)")

    func post(_ client: HTTPClient, _ url: String, _ body: String) async throws -> (status: Int, expert: String?, text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer test-token")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), response.headers.first(name: "X-Conclave-Expert"), String(buffer: bytes))
    }

    @Test func aLocalModelIsForwardedPlainAndStreamed() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let repository = CLIProcess.repository.path
        try """
        name: local
        registry: { agents: \(repository)/Agents, skills: \(repository)/Skills }
        dataset: \(repository)/examples/quickstart/questions.jsonl
        recruiter: { strategy: top-k, k: 1 }
        collaboration: { mode: single }
        aggregator: { expert: smollm2-judge }
        """.write(to: root.appendingPathComponent("local.yaml"), atomically: true, encoding: .utf8)
        try """
        listen: { host: 127.0.0.1, port: 0 }
        store: \(root.appendingPathComponent("service.sqlite").path)
        pipelines: { local: local.yaml }
        workers: { count: 0 }
        auth: { tokens_env: CONCLAVE_TEST_TOKENS }
        """.write(to: root.appendingPathComponent("conclave.yaml"), atomically: true, encoding: .utf8)
        let server = try CLIProcess(
            ["serve", "--config", root.appendingPathComponent("conclave.yaml").path],
            environment: ["CONCLAVE_TEST_TOKENS": "test-token"]
        )
        var port: String?
        for _ in 0..<300 where port == nil {
            port = server.errors.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }.map {
                String($0.split(separator: ":").last ?? "")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let url = "http://127.0.0.1:\(try #require(port, "\(server.errors)"))/v1/chat/completions"
        let client = HTTPClient.conclave()
        let question = #"[{"role": "user", "content": "What is 6 times 7? Answer with the number."}], "max_tokens": 16"#
        do {
            let plain = try await post(client, url, #"{"model": "local", "messages": \#(question)}"#)
            #expect(plain.status == 200, "\(plain.text)")
            let expert = try #require(plain.expert, "the request was forwarded")
            let content =
                ((((try? JSONSerialization.jsonObject(with: Data(plain.text.utf8))) as? [String: Any])?["choices"] as? [[String: Any]])?
                .first?["message"] as? [String: Any])?["content"] as? String
            #expect(content?.isEmpty == false, "\(plain.text)")

            let streamed = try await post(client, url, #"{"model": "local", "stream": true, "messages": \#(question)}"#)
            #expect(streamed.status == 200 && streamed.expert == expert)
            #expect(streamed.text.contains("data: ") && streamed.text.contains("[DONE]"), "\(streamed.text)")
        } catch {
            kill(server.process.processIdentifier, SIGKILL)
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let servers = server.serverChildren()
        #expect(!servers.isEmpty, "the expert's llama-server was started by serve")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.wait(seconds: 60) == 0, "\(server.errors)")
        #expect(servers.allSatisfy { !CLIProcess.isAlive($0) }, "llama-server left running")
        let runs = try CLIProcess(["runs", "show", "gateway-local", "--store", root.appendingPathComponent("service.sqlite").path, "--json"])
        #expect(await runs.wait(seconds: 60) == 0, "\(runs.errors)")
        let run = (try? JSONSerialization.jsonObject(with: Data(runs.output.utf8))) as? [String: Any]
        let info = (run?["run"] as? [String: Any]) ?? run
        #expect(info?["answered"] as? Int == 2, "both requests are in the store: \(runs.output)")
    }
}
