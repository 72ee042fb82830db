import ConclaveCore
import ConclaveStore
import Foundation
import Testing

/// The OpenAI-compatible endpoint driven by the official `openai` Python package (installed in the
/// runtime's venv by `scripts/setup.sh`): a plain completion, a streamed one with usage, `models.list()`,
/// a failover, a budget refusal raised as `RateLimitError`, a recruited team's `conclave` object, and a
/// client that closes its stream after the first chunk. Needs the setup; `scripts/test.sh --unit` leaves
/// it out.
@Suite(.serialized) struct OpenAIClientTests {
    static let script = #"""
        import json, sys
        import openai

        base, mode = sys.argv[1], sys.argv[2]
        client = openai.OpenAI(base_url=base + "/v1", api_key="secret", max_retries=0)
        ask = [{"role": "user", "content": "What is the capital of France?"}]
        out = {}
        if mode == "disconnect":
            stream = client.chat.completions.create(model="solo", messages=ask, stream=True)
            for chunk in stream:
                break
            stream.close()
            out["closed"] = True
        else:
            raw = client.chat.completions.with_raw_response.create(model="solo", messages=ask)
            plain = raw.parse()
            out["plain"] = {"content": plain.choices[0].message.content, "instance": raw.headers.get("x-conclave-instance"),
                            "total_tokens": plain.usage.total_tokens}
            with client.chat.completions.with_streaming_response.create(
                    model="solo", messages=ask, stream=True, stream_options={"include_usage": True}) as response:
                text, usage = "", None
                for chunk in response.parse():
                    if chunk.choices and chunk.choices[0].delta.content:
                        text += chunk.choices[0].delta.content
                    if chunk.usage:
                        usage = chunk.usage.total_tokens
                out["stream"] = {"content": text, "usage": usage, "instance": response.headers.get("x-conclave-instance")}
            out["models"] = sorted(model.id for model in client.models.list())
            out["failover"] = client.chat.completions.create(model="failover", messages=ask).choices[0].message.content
            try:
                client.chat.completions.create(model="solo", messages=ask, max_tokens=5000)
                out["budget"] = None
            except openai.RateLimitError as error:
                out["budget"] = {"status": error.status_code, "code": error.code}
            team = client.chat.completions.create(model="team", messages=ask)
            out["team"] = {"content": team.choices[0].message.content, "calls": len(team.model_extra["conclave"]["calls"])}
        print(json.dumps(out))
        """#

    /// Runs the script against the fixture's server in `mode`; its JSON output.
    func runScript(_ fixture: GatewayFixture, base: String, mode: String) async throws -> [String: Any] {
        let python = ConfigEnvironment.cacheDirectory(ProcessInfo.processInfo.environment).appendingPathComponent("venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("no Python venv at \(python.path): run scripts/setup.sh (scripts/test.sh does)")
            return [:]
        }
        let script = try fixture.workspace.write("client.py", Self.script)
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, base, mode]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(failure)")
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test func theOfficialClientCompletesStreamsListsFailsOverAndIsRefused() async throws {
        let fixture = try GatewayFixture()
        try await fixture.run { base, _, store in
            let out = try await runScript(fixture, base: base, mode: "all")
            let plain = try #require(out["plain"] as? [String: Any], "\(out)")
            #expect(plain["content"] as? String == "The capital is Paris, answer (A).")
            #expect(plain["total_tokens"] as? Int == 26)
            let stream = try #require(out["stream"] as? [String: Any])
            let streamID = try #require(stream["instance"] as? String)
            let stored = try await GatewayFixture.stored(store, run: "gateway-solo", instance: streamID)
            #expect(stream["content"] as? String == stored?.finalAnswer && stored?.finalAnswer != nil, "the reassembled chunks are the stored answer")
            #expect(stream["usage"] as? Int == 26)
            #expect(out["models"] as? [String] == ["failover", "solo", "team"])
            #expect(out["failover"] as? String == "The capital is Paris, answer (A).")
            let budget = try #require(out["budget"] as? [String: Any])
            #expect(budget["status"] as? Int == 429 && budget["code"] as? String == "insufficient_quota")
            let team = try #require(out["team"] as? [String: Any])
            #expect(team["calls"] as? Int == 3 && team["content"] as? String == "The capital is Paris, answer (A).")
        }
    }

    @Test func closingTheStreamCancelsTheUpstreamCall() async throws {
        let fixture = try GatewayFixture(chunkDelay: .milliseconds(200))
        try await fixture.run { base, _, _ in
            let out = try await runScript(fixture, base: base, mode: "disconnect")
            #expect(out["closed"] as? Bool == true)
            for _ in 0..<100 where fixture.responder.abandonedStreams == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(fixture.responder.abandonedStreams == 1)
        }
    }
}
