import ArgumentParser
import ConclaveCore
import ConclaveLLM
import ConclaveTesting
import Foundation

/// `conclave-bench gateway`: the OpenAI-compatible endpoint under load. A static OpenAI-style responder
/// (in this process) is the upstream; `conclave serve` (the release binary, its own process) forwards to
/// it as a single-expert pipeline; LiteLLM's proxy (2 workers, its own processes) forwards to the same
/// responder when it is installed. The same closed-loop client measures, in one run: requests per second
/// at 64 connections against the upstream directly, through a bare TCP relay (`TCPRelay`: the two hops
/// with no work, the floor of any proxy here), through Conclave and through LiteLLM (the two in turns,
/// slice by slice: `InterleavedLoad`); the latency Conclave adds with one connection at a time (its p50
/// and p99 minus the upstream's); and a recruited ensemble (k = 3 and the aggregator) through Conclave,
/// with the time it spends per request beyond its two rounds of upstream calls.
struct GatewayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract:
            "Requests/s and added latency of /v1/chat/completions: the upstream alone, Conclave's pass-through, LiteLLM's proxy, and a recruited ensemble."
    )

    @Option(help: "Seconds of load per target at full concurrency.") var seconds = 15.0
    @Option(help: "Concurrent connections of the load.") var connections = 64
    @Option(help: "Slices Conclave's and LiteLLM's loads are cut into, run in turns (Conclave, LiteLLM, Conclave, …).")
    var slices = 3
    @Option(help: "Seconds of one-connection-at-a-time requests per target, for the added latency.") var latencySeconds = 5.0
    @Option(help: "The litellm executable (pip install 'litellm[proxy]==1.80.0'); default: the venv under the Conclave cache.")
    var litellm: String?
    @OptionGroup var output: BenchOutput

    func run() async throws {
        let workspace = try TemporaryWorkspace(prefix: "conclave-gateway")
        let root = workspace.root
        let responder = try StaticResponder.start(answer: "The answer is (A).")
        let upstreamPort = responder.port
        defer { responder.stop() }
        let conclavePort = try FreePort.loopback()
        try Self.writeWorkspace(workspace, upstream: upstreamPort)
        let serve = try ConclaveBinary.start(
            ["serve", "--config", root.appendingPathComponent("conclave.yaml").path, "--port", String(conclavePort)],
            log: root.appendingPathComponent("serve.log")
        )
        defer { serve.terminate() }
        let litellmPort = try FreePort.loopback()
        let proxy = try startLiteLLM(root, upstream: upstreamPort, port: litellmPort)
        defer { if proxy != nil { Self.stopLiteLLM(root) } }
        let relay = try TCPRelay.start(upstream: upstreamPort)
        defer { relay.stop() }
        try await measure(
            upstream: upstreamPort,
            relay: relay.port,
            conclave: conclavePort,
            server: serve.processIdentifier,
            litellm: proxy.map { _ in litellmPort }
        )
    }

    private func measure(upstream: Int, relay: Int, conclave: Int, server: Int32, litellm: Int?) async throws {
        let question = #""messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 16"#
        func load(_ port: Int, model: String) -> LoadGenerator {
            LoadGenerator(port: port, path: "/v1/chat/completions", body: #"{"model": "\#(model)", \#(question)}"#)
        }
        let direct = load(upstream, model: "model-up")
        let through = load(conclave, model: "pass")
        let team = load(conclave, model: "team")
        try await waitUntilAnswering(through, what: "conclave serve")
        let proxy = litellm.map { load($0, model: "pass") }
        if let proxy { try await waitUntilAnswering(proxy, what: "the LiteLLM proxy", patience: .seconds(240)) }

        let full = Duration.seconds(seconds)
        var figures: [String: BenchValue] = ["connections": .int(connections), "seconds": .double(seconds)]
        /// Prints a target's figures; with `cpu`, also the CPU its process (`cpu` names it) and this one used.
        func say(_ name: String, _ outcome: InterleavedLoad.Outcome, connections: Int, cpu: String? = nil) {
            let result = outcome.figures
            if let cpu, result.requests > 0, let used = outcome.processCPU, let load = outcome.loadCPU {
                let requests = Double(result.requests)
                output.say(String(format: "%@ used %.2f cores: %.1f µs of CPU per request", cpu, used / result.seconds, used / requests * 1e6))
                output.say(
                    String(
                        format: "the client and the upstream (this process) used %.2f cores meanwhile: %.1f µs of CPU per request",
                        load / result.seconds,
                        load / requests * 1e6
                    )
                )
            }
            let slices =
                outcome.slices.count > 1 ? " (slices: " + outcome.slices.map { String(format: "%.0f", $0) }.joined(separator: ", ") + ")" : ""
            output.say(
                "\(name) at \(connections) connection(s): "
                    + String(
                        format: "%.0f requests/s, p50 %.3f ms, p99 %.3f ms, %d failed",
                        result.perSecond,
                        result.percentile(0.5),
                        result.percentile(0.99),
                        result.failures
                    ) + slices + (outcome.firstFailure.map { " (first: \($0))" } ?? "")
            )
        }
        /// Runs one load (after a second's warm-up) and prints its figures.
        func report(_ name: String, _ generator: LoadGenerator, connections: Int, duration: Duration) async -> LoadGenerator.Figures {
            let outcome = await InterleavedLoad.run([.init(generator)], connections: connections, duration: duration, slices: 1)[0]
            say(name, outcome, connections: connections)
            return outcome.figures
        }
        let upstreamFull = await report("upstream directly", direct, connections: connections, duration: full)
        let relayFull = await report(
            "bare TCP relay (the floor of any proxy)",
            load(relay, model: "model-up"),
            connections: connections,
            duration: full
        )
        // Conclave and LiteLLM take turns, slice by slice.
        let compared = await InterleavedLoad.run(
            [.init(through, process: server)] + (proxy.map { [.init($0)] } ?? []),
            connections: connections,
            duration: full,
            slices: slices
        )
        say("Conclave pass-through", compared[0], connections: connections, cpu: "conclave serve")
        let conclaveFull = compared[0].figures
        if conclaveFull.requests > 0, let used = compared[0].processCPU, let load = compared[0].loadCPU {
            figures["conclave_cpu_us_per_request"] = .double(used / Double(conclaveFull.requests) * 1e6)
            figures["load_cpu_us_per_request"] = .double(load / Double(conclaveFull.requests) * 1e6)
        }
        figures["upstream_rps"] = .double(upstreamFull.perSecond)
        figures["relay_rps"] = .double(relayFull.perSecond)
        figures["conclave_rps"] = .double(conclaveFull.perSecond)
        figures["conclave_over_relay"] = .double(conclaveFull.perSecond / max(relayFull.perSecond, 1e-9))
        output.say(String(format: "Conclave ÷ the bare relay: %.2f of the requests/s", conclaveFull.perSecond / max(relayFull.perSecond, 1e-9)))
        figures["conclave_p50_ms"] = .double(conclaveFull.percentile(0.5))
        figures["conclave_failures"] = .int(conclaveFull.failures)
        if compared.count > 1 {
            let litellmFull = compared[1].figures
            say("LiteLLM proxy (2 workers)", compared[1], connections: connections)
            figures["litellm_rps"] = .double(litellmFull.perSecond)
            figures["litellm_p50_ms"] = .double(litellmFull.percentile(0.5))
            figures["litellm_failures"] = .int(litellmFull.failures)
            figures["conclave_over_litellm"] = .double(conclaveFull.perSecond / max(litellmFull.perSecond, 1e-9))
            let bySlice = zip(compared[0].slices, compared[1].slices).map { $0 / max($1, 1e-9) }
            figures["conclave_over_litellm_by_slice"] = .list(bySlice.map { .double($0) })
            output.say(
                String(format: "Conclave ÷ LiteLLM: %.1f× the requests/s", conclaveFull.perSecond / max(litellmFull.perSecond, 1e-9))
                    + " (slice by slice: " + bySlice.map { String(format: "%.1f×", $0) }.joined(separator: ", ") + ")"
            )
        } else {
            output.say("LiteLLM: not measured (no litellm executable; pip install 'litellm[proxy]==1.80.0' into $CONCLAVE_HOME/litellm-venv)")
        }

        let single = Duration.seconds(latencySeconds)
        let upstreamOne = await report("upstream directly", direct, connections: 1, duration: single)
        let conclaveOne = await report("Conclave pass-through", through, connections: 1, duration: single)
        let addedP50 = conclaveOne.percentile(0.5) - upstreamOne.percentile(0.5)
        let addedP99 = conclaveOne.percentile(0.99) - upstreamOne.percentile(0.99)
        output.say(String(format: "added by Conclave, one connection: p50 %.3f ms, p99 %.3f ms", addedP50, addedP99))
        figures["upstream_p50_ms_one"] = .double(upstreamOne.percentile(0.5))
        figures["added_p50_ms"] = .double(addedP50)
        figures["added_p99_ms"] = .double(addedP99)

        let teamFull = await report("recruited ensemble (k = 3 + aggregator)", team, connections: connections, duration: full)
        let teamOne = await report("recruited ensemble (k = 3 + aggregator)", team, connections: 1, duration: single)
        // Three experts answer in parallel, then the aggregator: two upstream round trips on the path.
        let overhead = teamOne.percentile(0.5) - 2 * upstreamOne.percentile(0.5)
        output.say(
            String(
                format: "recruited ensemble: %.0f requests/s; %.3f ms per request beyond its two rounds of upstream calls (p50, one connection)",
                teamFull.perSecond,
                overhead
            )
        )
        figures["ensemble_rps"] = .double(teamFull.perSecond)
        figures["ensemble_overhead_ms"] = .double(overhead)
        try output.figures(figures)
    }

    /// Sends requests until one succeeds, or gives up after `patience`.
    private func waitUntilAnswering(_ generator: LoadGenerator, what: String, patience: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            if await generator.run(connections: 1, duration: .milliseconds(1)).figures.requests > 0 { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw ValidationError("\(what) did not answer within \(patience)")
    }

    /// LiteLLM's proxy with 2 workers, or nil when it is not installed.
    private func startLiteLLM(_ root: URL, upstream: Int, port: Int) throws -> Process? {
        let executable =
            litellm
            ?? ConfigEnvironment.cacheDirectory(ProcessInfo.processInfo.environment).appendingPathComponent("litellm-venv/bin/litellm").path
        guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
        let config = root.appendingPathComponent("litellm.yaml")
        try """
        model_list:
          - model_name: pass
            litellm_params: { model: openai/model-up, api_base: "http://127.0.0.1:\(upstream)/v1", api_key: none }
        litellm_settings: { drop_params: true }

        """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config", config.path, "--host", "127.0.0.1", "--port", String(port), "--num_workers", "2"]
        let log = root.appendingPathComponent("litellm.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Stops the proxy and the workers it spawned: every process whose command line names this run's
    /// LiteLLM configuration, and their children (it does not stop on SIGTERM while its workers run).
    private static func stopLiteLLM(_ root: URL) {
        let stop = Process()
        stop.executableURL = URL(fileURLWithPath: "/bin/sh")
        stop.arguments = [
            "-c", "for p in $(pgrep -f -- \"--config $0\"); do pkill -KILL -P $p; kill -KILL $p; done",
            root.appendingPathComponent("litellm.yaml").path,
        ]
        try? stop.run()
        stop.waitUntilExit()
    }

    /// A single-expert pipeline (`pass`), an ensemble of three and a judge (`team`), all in front of the
    /// responder, and the service configuration (SQLite store, no workers, no tokens).
    static func writeWorkspace(_ workspace: TemporaryWorkspace, upstream: Int) throws {
        let endpoint = "http://127.0.0.1:\(upstream)/v1"
        try workspace.write("Skills/s.yaml", "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\n")
        try workspace.writeRemoteExpert("up", skills: ["geography": 1], maxConcurrency: 64, baseURL: endpoint, folder: "Pass")
        for id in ["a", "b", "c", "judge"] {
            try workspace.writeRemoteExpert(id, skills: ["geography": 1], maxConcurrency: 64, baseURL: endpoint, folder: "Team")
        }
        try workspace.write("data.jsonl", "{\"question\": \"What is the capital of France?\"}\n")
        try workspace.write(
            "pass.yaml",
            "name: pass\nregistry: { agents: Pass, skills: Skills }\ndataset: data.jsonl\nrecruiter: { k: 1 }\ncollaboration: { mode: single }\naggregator: { expert: up }\n"
        )
        try workspace.write(
            "team.yaml",
            "name: team\nregistry: { agents: Team, skills: Skills }\ndataset: data.jsonl\nrecruiter: { strategy: top-k, k: 3 }\naggregator: { expert: judge }\n"
        )
        try workspace.write("conclave.yaml", "store: service.sqlite\npipelines: { pass: pass.yaml, team: team.yaml }\nworkers: { count: 0 }\n")
    }
}
