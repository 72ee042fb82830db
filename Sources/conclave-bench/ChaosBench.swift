import ArgumentParser
import ConclaveCore
import ConclaveServer
import ConclaveStore
import ConclaveTesting
import Foundation

/// `conclave-bench chaos`: rounds of SIGKILLing a `conclave worker` process at a random moment in the
/// middle of a job while a second worker runs, with the queue and the runs on SQLite, or on PostgreSQL
/// (`--store postgres`, a fresh database on the server PGHOST names: run it under pg_virtualenv). The experts are a local
/// OpenAI-style responder the bench starts (20 ms per answer). Each round notes every call stored when the
/// worker died; a completed call made again would be stored again, with a new time, so those that changed
/// are the repeated calls (must be 0). It also reports instances not answered (lost, must be 0), the time
/// from the kill to the job's completion, and the requests the responder saw twice (calls in flight when
/// the worker died, sent again because their answers were never stored).
struct ChaosBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "SIGKILL a worker mid-job, round after round, beside a second worker: instances lost, calls repeated, recovery time."
    )

    @Option(help: "Rounds.") var rounds = 20
    @Option(help: "Instances per round's job.") var instances = 200
    @Option(help: "Lease seconds of the workers.") var lease = 2.0
    @Option(help: "Seed of the kill moments.") var seed: UInt64 = 7
    @Option(help: "Where the queue and the runs are: sqlite, or postgres (the server PGHOST names).") var store = "sqlite"
    @OptionGroup var output: BenchOutput

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-chaos-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let responder = OpenAIResponder(answer: "The answer is (A).", delay: .milliseconds(20), countsBodies: true)
        let port = try await responder.start()
        defer { responder.stop() }
        let location: ServiceStore
        switch store {
        case "sqlite": location = .sqlite(path: root.appendingPathComponent("service.sqlite").path)
        case "postgres":
            guard let server = PostgresEnvironment() else {
                throw ValidationError("--store postgres needs PGHOST: run the bench under pg_virtualenv")
            }
            location = .postgres(try await server.createDatabase(prefix: "conclave_chaos"))
        default: throw ValidationError("--store is sqlite or postgres, not '\(store)'")
        }
        let config = try Self.writeWorkspace(root, port: port, lease: lease, store: location)
        try await ServiceStorage.with(location) { queue, runs in try await killRounds(queue: queue, runs: runs, config: config, responder: responder)
        }
    }

    private func killRounds(queue: any JobQueue, runs: any RunStore, config: String, responder: OpenAIResponder) async throws {
        var rng = SeededGenerator(seed: seed)
        var survivor = try Self.startWorker(config)
        var lost = 0
        var repeated = 0
        var recoveries: [Double] = []
        defer { survivor.terminate() }
        for round in 0..<rounds {
            let doomed = try Self.startWorker(config)
            let id = "round-\(round)"
            let questions = (0..<instances).map {
                Instance(id: "q\($0)", text: "Round \(round), question \($0): is it A?", choices: ["yes", "no"], gold: "A")
            }
            _ = try await queue.submit(JobSubmission(id: id, pipeline: "chaos", instances: questions))
            let delay = Int.random(in: 100...1000, using: &rng)
            try await Task.sleep(for: .milliseconds(delay))
            kill(doomed.processIdentifier, SIGKILL)
            let killed = ContinuousClock.now
            doomed.waitUntilExit()
            let before = try await Self.storedCalls(runs, run: id, instances: questions.map(\.id))
            while try await queue.job(id)?.status != .completed {
                if ContinuousClock.now - killed > .seconds(120) { throw ValidationError("round \(round): the job did not finish within 120 s") }
                try await Task.sleep(for: .milliseconds(20))
            }
            recoveries.append((ContinuousClock.now - killed).inSeconds)
            lost += instances - (try await runs.run(id)?.answered ?? 0)
            let after = try await Self.storedCalls(runs, run: id, instances: questions.map(\.id))
            repeated += before.filter { after[$0.key] != $0.value }.count
            if !survivor.isRunning { survivor = try Self.startWorker(config) }
            output.say(String(format: "round %2d: killed after %d ms; job done %.2f s after the kill", round + 1, delay, recoveries.last ?? 0))
        }
        output.say(
            String(
                format:
                    "chaos (\(store == "postgres" ? "PostgreSQL" : "SQLite"), lease %.1f s): %d rounds, %d instances lost, %d completed calls repeated, recovery max %.2f s (median %.2f s); %d requests, %d of them calls in flight at a kill sent again",
                lease,
                rounds,
                lost,
                repeated,
                recoveries.max() ?? 0,
                recoveries.sorted()[recoveries.count / 2],
                responder.requests,
                responder.repeated
            )
        )
        try output.figures([
            "rounds": .int(rounds),
            "lost": .int(lost),
            "repeated_calls": .int(repeated),
            "resent_in_flight": .int(responder.repeated),
            "max_recovery_s": .double(recoveries.max() ?? 0),
            "store": .string(store),
        ])
    }

    /// Every stored call of a run's instances, by instance, stage, round and seat, with when it was stored.
    static func storedCalls(_ store: any RunStore, run: String, instances: [String]) async throws -> [String: Date] {
        var found: [String: Date] = [:]
        for instance in instances {
            for call in try await store.calls(run: run, instance: instance) {
                found["\(instance) \(call.key.stage) \(call.key.round) \(call.key.seat ?? -1)"] = call.savedAt
            }
        }
        return found
    }

    /// Experts behind the responder, a pipeline of two of them and a judge, and the service configuration.
    static func writeWorkspace(_ root: URL, port: Int, lease: Double, store: ServiceStore) throws -> String {
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write("Skills/s.yaml", "domain: d\nskills:\n  - name: logic\n    aliases: [question]\n")
        for id in ["a", "b", "judge"] {
            try write(
                "Agents/\(id).yaml",
                """
                id: \(id)
                description: \(id)
                runtime: { kind: openai, model: \(id), base_url: "http://127.0.0.1:\(port)/v1" }
                price: { input_per_million: 1, output_per_million: 2 }
                context_window: 4096
                max_concurrency: 8
                profile: { skills: { logic: 1 } }
                """
            )
        }
        try write(
            "pipeline.yaml",
            "name: chaos\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\nrecruiter: { strategy: top-k, k: 2 }\naggregator: { expert: judge }\n"
        )
        try write("data.jsonl", "{\"id\": \"x\", \"question\": \"Is it A?\", \"answer\": \"A\"}\n")
        try write(
            "conclave.yaml",
            "store: \(store)\npipelines: { chaos: pipeline.yaml }\nworkers: { count: 1, batch: 4, lease_seconds: \(lease) }\n"
        )
        return root.appendingPathComponent("conclave.yaml").path
    }

    /// A `conclave worker` process (the binary beside this one).
    static func startWorker(_ config: String) throws -> Process { try ConclaveBinary.start(["worker", "--config", config]) }
}
