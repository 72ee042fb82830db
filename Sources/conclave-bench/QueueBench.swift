import ArgumentParser
import AsyncHTTPClient
import ConclaveCore
import ConclaveEngine
import ConclaveEvaluation
import ConclaveLLM
import ConclaveServer
import ConclaveStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `conclave-bench queue`: instance completions per second through the HTTP job API, answered by the
/// replay backend (recorded outcomes, no model): jobs submitted over HTTP, claimed by the embedded
/// workers with leases, answered through the run session, polled until done; the queue and the runs on
/// SQLite, and on PostgreSQL when PGHOST names a server (run it under pg_virtualenv). Beside it, the same instances through the runner alone (no HTTP, no queue): the limit.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Instance completions per second through the job API (replay backend, SQLite), and the runner alone beside it (target ≥ 1,000/s)."
    )

    @Option(help: "Jobs to submit.") var jobs = 20
    @Option(help: "Instances per job.") var instances = 500
    @Option(help: "Workers in the server.") var workers = 2
    @Option(help: "Instances a worker claims at once.") var batch = 256
    @OptionGroup var output: BenchOutput

    func run() async throws {
        let total = jobs * instances
        let workspace = try SyntheticWorkspace(instances: total, k: 3, window: 10_000)
        defer { workspace.remove() }
        let pipeline = try workspace.pipeline()
        let connector = ReplayConnector(outcomes: ReplayOutcomes(Self.matrix(questions: total)))

        // The limit: the same instances through the runner alone, on its own store.
        let started = ContinuousClock.now
        let direct = try await Runner(
            pipeline: pipeline,
            dataset: pipeline.datasetReader,
            connector: connector,
            store: try SQLiteRunStore(path: workspace.root.appendingPathComponent("direct.sqlite").path),
            observer: SilentObserver()
        ).run(RunOptions(runID: "direct", outputDirectory: workspace.output))
        let directSeconds = (ContinuousClock.now - started).inSeconds

        let limit = Double(direct.answered) / directSeconds
        guard direct.answered == total else { throw ValidationError("the runner answered \(direct.answered) of \(total) instances") }

        let sqlitePath = workspace.root.appendingPathComponent("service.sqlite").path
        let sqlite = try await measure(.sqlite(path: sqlitePath), root: workspace.root, pipeline: pipeline, connector: connector)
        output.say(
            String(
                format: "queue on SQLite (%d workers, batch %d): %d jobs × %d instances through the HTTP API in %.2f s: %.0f completions/s",
                workers,
                batch,
                jobs,
                instances,
                Double(total) / sqlite,
                sqlite
            )
        )
        var figures: [String: BenchValue] = [
            "sqlite_completions_per_s": .double(sqlite),
            "runner_instances_per_s": .double(limit),
            "ratio_to_runner": .double(sqlite / limit),
            "instances": .int(total),
            "workers": .int(workers),
        ]
        if let server = PostgresEnvironment() {
            let database = try await server.createDatabase(prefix: "conclave_bench")
            let postgres = try await measure(.postgres(database), root: workspace.root, pipeline: pipeline, connector: connector)
            output.say(String(format: "queue and runs on PostgreSQL (%d workers): %.0f completions/s", workers, postgres))
            figures["postgres_completions_per_s"] = .double(postgres)
        } else {
            output.say("queue on PostgreSQL: not measured (no PGHOST; run under pg_virtualenv)")
        }
        output.say(
            String(format: "  the runner alone on the same instances: %.0f instances/s; the SQLite queue reaches %.2f of it", limit, sqlite / limit)
        )
        try output.figures(figures)
    }

    /// Completions per second through the HTTP API with the queue and the runs in `store`.
    private func measure(_ store: ServiceStore, root: URL, pipeline: LoadedPipeline, connector: any ExpertConnector) async throws -> Double {
        let spec = ServiceSpec(
            file: root.appendingPathComponent("conclave.yaml"),
            port: 0,
            store: store,
            pipelines: ["bench": pipeline.spec.file],
            workers: workers,
            batch: batch,
            maxBodyBytes: 64 << 20,
            maxInstances: instances
        )
        return try await ServiceStorage.with(store) { queue, runs in
            let server = JobServer(
                spec: spec,
                pipelines: ["bench": pipeline],
                queue: queue,
                store: runs,
                connector: connector,
                tokens: BearerTokens(entries: [("bench", .all)])
            )
            let seconds = try await serve(server, total: jobs * instances)
            var answered = 0
            for job in try await queue.jobs(status: nil, pipeline: nil, limit: jobs) { answered += try await runs.run(job.id)?.answered ?? 0 }
            guard answered == jobs * instances else {
                throw ValidationError("not every instance was answered through the queue: \(answered) of \(jobs * instances)")
            }
            return Double(answered) / seconds
        }
    }

    /// Runs the server, submits every job over HTTP, waits until all are completed; returns the seconds
    /// from the first submission to the last completion.
    private func serve(_ server: JobServer, total: Int) async throws -> Double {
        let port = BoundPort()
        let group = ServiceGroup(services: [server.workers, server.gatewayLog, server.application { port.set($0) }], logger: Logger(label: "bench"))
        let client = HTTPClient.conclave()
        let seconds: Double
        do {
            seconds = try await withThrowingTaskGroup(of: Double?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                let (jobs, instances) = (self.jobs, self.instances)
                tasks.addTask {
                    while port.value == nil { try await Task.sleep(for: .milliseconds(5)) }
                    let base = "http://127.0.0.1:\(port.value ?? 0)"
                    let started = ContinuousClock.now
                    var ids: [String] = []
                    for job in 0..<jobs { ids.append(try await Self.submit(job, instances: instances, base: base, client: client)) }
                    while try await !Self.allDone(ids, base: base, client: client) { try await Task.sleep(for: .milliseconds(20)) }
                    let seconds = (ContinuousClock.now - started).inSeconds
                    await group.triggerGracefulShutdown()
                    return seconds
                }
                var measured: Double?
                for try await value in tasks { measured = measured ?? value }
                return measured ?? 0
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return seconds
    }

    private static func submit(_ job: Int, instances: Int, base: String, client: HTTPClient) async throws -> String {
        let items = (0..<instances).map { index -> [String: Any] in
            let number = job * instances + index
            return ["id": "q\(number)", "question": "Solve the algebra for triangle \(number)", "choices": ["1", "2"], "answer": "A"]
        }
        var request = HTTPClientRequest(url: "\(base)/v1/jobs")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer bench")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["pipeline": "bench", "instances": items])))
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 202, let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let id = object["id"] as? String
        else { throw ValidationError("submission failed: \(response.status) \(String(buffer: body))") }
        return id
    }

    private static func allDone(_ ids: [String], base: String, client: HTTPClient) async throws -> Bool {
        var request = HTTPClientRequest(url: "\(base)/v1/jobs?limit=1000")
        request.headers.add(name: "Authorization", value: "Bearer bench")
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        let jobs = ((try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["jobs"] as? [[String: Any]]) ?? []
        return jobs.count == ids.count && jobs.allSatisfy { $0["status"] as? String == "completed" }
    }

    /// Recorded outcomes for the synthetic questions: each of the four models right on a seeded share.
    static func matrix(questions: Int) -> OutcomeMatrix {
        var rng = SeededGenerator(seed: 9)
        return OutcomeMatrix(
            models: (0..<4).map { .init(name: "m\($0)", price: Price(inputPerMillion: 1, outputPerMillion: 2)) },
            rows: (0..<questions).map { index in
                .init(
                    id: "q\(index)",
                    question: "Solve the algebra for triangle \(index)\n(A) 1\n(B) 2",
                    scores: (0..<4).map { _ in Double.random(in: 0..<1, using: &rng) < 0.6 ? 1 : 0 }
                )
            }
        )
    }
}

/// The port a server reports once it listens, shared with the tasks that wait for it.
final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)

    func set(_ value: Int) { port.withLock { $0 = value } }
    var value: Int? { port.withLock { $0 } }
}
