import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveServer
import ConclaveStore
import ConclaveTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The job API over a real port, with an embedded worker answering through scripted experts and a real
/// SQLite queue and store: submit, poll, page results, cancel, idempotent resubmit, recruit; auth failures,
/// oversized and malformed bodies answered with the right codes; `/metrics` in Prometheus's text format.
@Suite(.serialized) struct JobAPITests {
    let workspace: TemporaryWorkspace

    init() throws {
        workspace = try TemporaryWorkspace(prefix: "conclave-api")
        try workspace.write(
            "Skills/s.yaml",
            "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\nroles:\n  - name: Judge\n    instructions: Pick.\n"
        )
        for id in ["a", "b", "judge"] { try workspace.writeRemoteExpert(id, skills: ["geography": 1], maxConcurrency: 4) }
        try workspace.write(
            "data/d.jsonl",
            "{\"id\": \"x\", \"question\": \"What is the capital of France?\", \"choices\": [\"Paris\", \"Rome\"], \"answer\": \"A\"}\n"
        )
        for name in ["geo", "other"] {
            try workspace.write(
                "\(name).yaml",
                "name: \(name)\nregistry: { agents: Agents, skills: Skills }\ndataset: data/d.jsonl\nrecruiter: { strategy: top-k, k: 2 }\naggregator: { expert: judge, role: Judge }\n"
            )
        }
        try workspace.write("tokens.txt", "# tokens\nsecret\nnarrow other\n")
        try workspace.write(
            "conclave.yaml",
            """
            listen: { port: 0 }
            store: store.sqlite
            pipelines: { geo: geo.yaml, other: other.yaml }
            workers: { count: 1, batch: 8, lease_seconds: 5 }
            limits: { max_body_bytes: 4096, max_instances: 20 }
            auth: { tokens_file: tokens.txt }
            datasets: [data]

            """
        )
    }

    /// Runs the server while `body` talks to it at the base URL it is given; with `postgres`, the queue and
    /// the runs are in a fresh database on the PostgreSQL server of the test setup instead of SQLite.
    func withServer(postgres: Bool = false, _ body: (String, HTTPClient) async throws -> Void) async throws {
        if postgres {
            guard let server = PostgresEnvironment() else {
                Issue.record("PostgreSQL tests need a server: run them through scripts/test.sh, which starts one with pg_virtualenv")
                return
            }
            let database = try await server.createDatabase(prefix: "conclave_api")
            let config = try String(contentsOfFile: workspace.path("conclave.yaml"), encoding: .utf8)
            // The password stays out of the file: PGPASSWORD supplies it.
            try workspace.write(
                "conclave.yaml",
                config.replacingOccurrences(
                    of: "store: store.sqlite",
                    with:
                        "store: \(PostgresAddress(host: database.host, port: database.port, user: database.user, database: database.database).description)"
                )
            )
        }
        let (spec, pipelines) = try ConfigLoader.loadService(workspace.path("conclave.yaml"))
        try await ServiceStorage.with(spec.store) { queue, store in
            try await serve(spec: spec, pipelines: pipelines, queue: queue, store: store, body)
        }
    }

    private func serve(
        spec: ServiceSpec,
        pipelines: [String: LoadedPipeline],
        queue: any JobQueue,
        store: any RunStore,
        _ body: (String, HTTPClient) async throws -> Void
    ) async throws {
        let connector = ScriptedConnector { _, request in
            let prompt = request.messages.map(\.content).joined()
            return ChatCompletion(text: prompt.contains("France") ? "The answer is (A)." : "The answer is (B).", inputTokens: 10, outputTokens: 5)
        }
        let server = JobServer(
            spec: spec,
            pipelines: pipelines,
            queue: queue,
            store: store,
            connector: connector,
            tokens: try BearerTokens(file: spec.tokensFile, variable: nil)
        )
        try await RunningServer.with(server, body)
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var text: String
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    }

    func call(
        _ client: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        token: String? = "secret",
        body: String? = nil,
        headers: [String: String] = [:]
    ) async throws
        -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: fields, text: String(buffer: bytes))
    }

    static let job = """
        {"pipeline": "geo", "instances": [
          {"id": "fr", "question": "What is the capital of France?", "choices": ["Paris", "Rome"], "answer": "A"},
          {"id": "it", "question": "What is the capital of Italy?", "choices": ["Paris", "Rome"], "answer": "B"},
          {"id": "es", "question": "What is the capital of Spain?", "choices": ["Paris", "Madrid"], "answer": "B"}
        ]}
        """

    @Test func submitPollPageCancelAndResubmit() async throws { try await withServer(submitPollPageCancelAndResubmit) }

    /// The same on PostgreSQL: the queue and the runs in one database.
    @Test func submitPollPageCancelAndResubmitOnPostgres() async throws {
        try await withServer(postgres: true, submitPollPageCancelAndResubmit)
    }

    func submitPollPageCancelAndResubmit(base: String, client: HTTPClient) async throws {
        let submitted = try await call(client, .POST, "\(base)/v1/jobs", body: Self.job, headers: ["Idempotency-Key": "k1"])
        #expect(submitted.status == 202, "\(submitted.text)")
        let id = try #require(submitted.json["id"] as? String)
        let again = try await call(client, .POST, "\(base)/v1/jobs", body: Self.job, headers: ["Idempotency-Key": "k1"])
        #expect(again.status == 200 && again.json["id"] as? String == id, "an idempotent resubmit returns the same job")

        var report = try await call(client, .GET, "\(base)/v1/jobs/\(id)")
        for _ in 0..<500 where (report.json["job"] as? [String: Any])?["status"] as? String != "completed" {
            try await Task.sleep(for: .milliseconds(20))
            report = try await call(client, .GET, "\(base)/v1/jobs/\(id)")
        }
        #expect((report.json["job"] as? [String: Any])?["status"] as? String == "completed", "\(report.text)")
        #expect(report.json["answered"] as? Int == 3 && report.json["correct"] as? Int == 3 && report.json["calls"] as? Int == 9)

        let first = try await call(client, .GET, "\(base)/v1/jobs/\(id)/results?limit=2")
        #expect(first.status == 200 && first.text.split(separator: "\n").count == 2)
        let cursor = try #require(first.headers["next-cursor"])
        let second = try await call(client, .GET, "\(base)/v1/jobs/\(id)/results?limit=2&cursor=\(cursor)")
        let ids = (first.text + second.text).split(separator: "\n").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["id"] as? String
        }
        #expect(ids == ["fr", "it", "es"] && second.headers["next-cursor"] == nil)

        let listed = try await call(client, .GET, "\(base)/v1/jobs?status=completed")
        #expect(((listed.json["jobs"] as? [[String: Any]]) ?? []).map { $0["id"] as? String } == [id])
        let cancelled = try await call(client, .DELETE, "\(base)/v1/jobs/\(id)")
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled")
        let missing = try await call(client, .GET, "\(base)/v1/jobs/nope")
        #expect(missing.status == 404 && (missing.json["error"] as? [String: Any])?["field"] as? String == "id")

        let fromFile = try await call(
            client,
            .POST,
            "\(base)/v1/jobs",
            body: #"{"pipeline": "geo", "dataset": "\#(workspace.path("data/d.jsonl"))"}"#
        )
        #expect(fromFile.status == 202 && fromFile.json["instances"] as? Int == 1, "\(fromFile.text)")
        let outside = try await call(client, .POST, "\(base)/v1/jobs", body: #"{"pipeline": "geo", "dataset": "/etc/passwd"}"#)
        #expect(outside.status == 403, "\(outside.text)")

        let recruited = try await call(
            client,
            .POST,
            "\(base)/v1/recruit",
            body: #"{"pipeline": "geo", "question": "What is the capital of Peru?"}"#
        )
        let decision = try #require(recruited.json["decision"] as? [String: Any], "\(recruited.text)")
        #expect((decision["recruitment"] as? [String: Any])?["team"] as? [String] != nil)
    }

    @Test func badRequestsGetTheRightCodesAndNameTheField() async throws {
        try await withServer { base, client in
            #expect(try await call(client, .POST, "\(base)/v1/jobs", token: nil, body: Self.job).status == 401)
            #expect(try await call(client, .POST, "\(base)/v1/jobs", token: "wrong", body: Self.job).status == 401)
            let forbidden = try await call(client, .POST, "\(base)/v1/jobs", token: "narrow", body: Self.job)
            #expect(forbidden.status == 403 && (forbidden.json["error"] as? [String: Any])?["field"] as? String == "pipeline")
            #expect(try await call(client, .POST, "\(base)/v1/jobs", body: "{not json").status == 400)
            let huge = try await call(
                client,
                .POST,
                "\(base)/v1/jobs",
                body: #"{"pipeline": "geo", "pad": "\#(String(repeating: "x", count: 8000))"}"#
            )
            #expect(huge.status == 413, "\(huge.text)")
            let unknown = try await call(client, .POST, "\(base)/v1/jobs", body: #"{"pipeline": "gio", "instances": [{"question": "q"}]}"#)
            #expect(unknown.status == 422 && (unknown.json["error"] as? [String: Any])?["field"] as? String == "pipeline")
            let badRow = try await call(
                client,
                .POST,
                "\(base)/v1/jobs",
                body: #"{"pipeline": "geo", "instances": [{"question": "q"}, {"choices": 3}]}"#
            )
            #expect(
                badRow.status == 422 && (badRow.json["error"] as? [String: Any])?["field"] as? String == "instances[1].question",
                "\(badRow.text)"
            )
            let tooMany = (0..<21).map { #"{"question": "q\#($0)"}"# }.joined(separator: ",")
            #expect(try await call(client, .POST, "\(base)/v1/jobs", body: #"{"pipeline": "geo", "instances": [\#(tooMany)]}"#).status == 413)
            #expect(try await call(client, .GET, "\(base)/v1/jobs?limit=0").status == 400)
            #expect(try await call(client, .GET, "\(base)/healthz", token: nil).status == 200)
            #expect(try await call(client, .GET, "\(base)/readyz", token: nil).status == 200)
            #expect(try await call(client, .GET, "\(base)/metrics", token: nil).status == 401, "metrics need a token")
        }
    }

    @Test func metricsAreValidPrometheusText() async throws {
        try await withServer { base, client in
            let submitted = try await call(client, .POST, "\(base)/v1/jobs", body: Self.job)
            let id = try #require(submitted.json["id"] as? String)
            for _ in 0..<500 {
                let status = ((try await call(client, .GET, "\(base)/v1/jobs/\(id)")).json["job"] as? [String: Any])?["status"] as? String
                if status == "completed" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let metrics = try await call(client, .GET, "\(base)/metrics")
            #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            var samples: [String: Double] = [:]
            for line in metrics.text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 2, "a sample line is a name (with labels) and a value: \(line)")
                samples[String(parts[0])] = Double(parts[1])
            }
            #expect(metrics.text.contains("# TYPE conclave_calls_total counter"))
            #expect(samples[#"conclave_jobs_submitted_total{pipeline="geo"}"#] == 1)
            #expect(samples[#"conclave_instances_total{outcome="answered"}"#] == 3)
            #expect(samples[#"conclave_calls_total{expert="judge",outcome="ok"}"#] == 3)
            #expect(samples["conclave_queue_depth"] == 0)
            #expect(samples[#"conclave_jobs{status="completed"}"#] == 1)
            #expect(samples.keys.contains { $0.hasPrefix("conclave_call_latency_seconds_bucket") })
        }
    }
}
