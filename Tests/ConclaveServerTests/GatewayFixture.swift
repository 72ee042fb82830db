import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveServer
import ConclaveStore
import ConclaveTesting
import Foundation

/// A job server whose pipelines reach a local OpenAI-style responder over real HTTP, for the tests of the
/// OpenAI-compatible endpoint:
/// - `solo`: one expert (`up`) in `single` mode: forwarded;
/// - `failover`: `single` mode whose best-ranked expert (`down`, 503 every time) falls back to `up`;
/// - `team`: an ensemble of two (`up` and `judge`) and the judge aggregating: recruited and run.
/// Clients use the token `secret`; each has `gateway.cost_per_day` 0.005 and 100,000 tokens a minute.
struct GatewayFixture {
    let workspace: TemporaryWorkspace
    let responder: OpenAIResponder

    init(delay: Duration = .zero, chunkDelay: Duration = .zero) throws {
        workspace = try TemporaryWorkspace(prefix: "conclave-gateway")
        responder = OpenAIResponder(answer: "The capital is Paris, answer (A).", delay: delay, failing: ["model-down"], chunkDelay: chunkDelay)
        try workspace.write(
            "Skills/s.yaml",
            "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\nroles:\n  - name: Judge\n    instructions: Pick.\n"
        )
    }

    /// Writes the experts (pointing at the responder's port), pipelines and `conclave.yaml`.
    func writeConfiguration(port: Int) throws {
        func expert(_ id: String, folder: String, skill: Double) throws {
            try workspace.writeRemoteExpert(
                id,
                skills: ["geography": skill],
                maxConcurrency: 8,
                baseURL: "http://127.0.0.1:\(port)/v1",
                folder: folder
            )
        }
        try expert("up", folder: "Solo", skill: 1)
        try expert("up", folder: "Agents", skill: 1)
        try expert("down", folder: "Agents", skill: 3)
        try expert("judge", folder: "Agents", skill: 0.5)
        try expert("up", folder: "Team", skill: 1)
        try expert("judge", folder: "Team", skill: 0.5)
        try workspace.write("data.jsonl", "{\"question\": \"What is the capital of France?\"}\n")
        let common = "dataset: data.jsonl\naggregator: { expert: judge, role: Judge }\n"
        try workspace.write(
            "solo.yaml",
            "name: solo\nregistry: { agents: Solo, skills: Skills }\ndataset: data.jsonl\nrecruiter: { k: 1 }\ncollaboration: { mode: single }\naggregator: { expert: up }\n"
        )
        try workspace.write(
            "failover.yaml",
            "name: failover\nregistry: { agents: Agents, skills: Skills }\nrecruiter: { strategy: top-k, k: 1 }\ncollaboration: { mode: single }\n"
                + common
        )
        try workspace.write("team.yaml", "name: team\nregistry: { agents: Team, skills: Skills }\nrecruiter: { strategy: top-k, k: 2 }\n" + common)
        try workspace.write("tokens.txt", "secret\n")
        try workspace.write(
            "conclave.yaml",
            """
            listen: { port: 0 }
            store: store.sqlite
            pipelines: { solo: solo.yaml, failover: failover.yaml, team: team.yaml }
            workers: { count: 0 }
            auth: { tokens_file: tokens.txt }
            gateway: { tokens_per_minute: 100000, cost_per_day: 0.005, attempts: 2 }

            """
        )
    }

    /// Runs the responder and the server while `body` gets the server's base URL, an HTTP client and the
    /// store; the server shuts down (writing the gateway log's last batch) before this returns.
    func run(_ body: (String, HTTPClient, SQLiteRunStore) async throws -> Void) async throws {
        let upstream = try await responder.start()
        defer { responder.stop() }
        let (server, connector, store) = try makeServer(upstream: upstream)
        try await RunningServer.with(server, alongside: [connector]) { base, client in try await body(base, client, store) }
    }

    /// The job server of the configuration, its experts at the responder on port `upstream`, with its
    /// connector and store.
    func makeServer(upstream: Int) throws -> (JobServer, LiveConnector, SQLiteRunStore) {
        try writeConfiguration(port: upstream)
        let (spec, pipelines) = try ConfigLoader.loadService(workspace.path("conclave.yaml"))
        let path = workspace.path("store.sqlite")
        let store = try SQLiteRunStore(path: path)
        let experts = Registry(experts: pipelines.values.flatMap(\.registry.experts), skills: [], roles: [])
        let connector = try LiveConnector(registry: experts, environment: .current(), logDirectory: workspace.url("logs"))
        let server = JobServer(
            spec: spec,
            pipelines: pipelines,
            queue: try SQLiteJobQueue(path: path),
            store: store,
            connector: connector,
            tokens: try BearerTokens(file: spec.tokensFile, variable: nil)
        )
        return (server, connector, store)
    }

    /// Waits until the gateway log has written `instance`'s result.
    static func stored(_ store: SQLiteRunStore, run: String, instance: String) async throws -> InstanceResult? {
        for _ in 0..<200 {
            if let result = try store.result(run: run, instance: instance) { return result }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Waits until the run has `count` results.
    static func waitForResults(_ store: SQLiteRunStore, run: String, count: Int) async throws -> RunInfo? {
        for _ in 0..<200 {
            if let info = try store.run(run), info.answered + info.failed >= count { return info }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try store.run(run)
    }
}
