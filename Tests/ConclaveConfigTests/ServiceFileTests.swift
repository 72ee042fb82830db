import ConclaveCore
import Foundation
import Testing

@testable import ConclaveConfig

/// `conclave.yaml`: a valid file becomes a `ServiceSpec` (SQLite paths resolved against the file, a
/// PostgreSQL URL read into an address whose description hides the password), and every bad field is
/// reported with its line.
@Suite struct ServiceFileTests {
    func sandbox(store: String, extra: String = "") throws -> ConfigSandbox {
        let sandbox = try ConfigSandbox()
        try sandbox.writeValidRegistry()
        try sandbox.write("data.jsonl", "{\"question\": \"q\"}\n")
        try sandbox.write("p.yaml", "name: p\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\naggregator: { expert: alpha }\n")
        try sandbox.write("conclave.yaml", "store: \(store)\npipelines: { p: p.yaml }\n\(extra)")
        return sandbox
    }

    @Test func aSQLitePathIsResolvedAgainstTheFile() throws {
        let sandbox = try sandbox(store: "runs/service.sqlite", extra: "workers: { count: 3, lease_seconds: 5 }\n")
        let (spec, pipelines) = try ConfigLoader.loadService(sandbox.path("conclave.yaml"), environment: sandbox.environment)
        #expect(spec.store == .sqlite(path: sandbox.path("runs/service.sqlite")))
        #expect(spec.workers == 3 && spec.lease == .seconds(5) && spec.host == "127.0.0.1" && Array(pipelines.keys) == ["p"])
        #expect(spec.logDirectory.path == sandbox.path("runs/service-logs"))
    }

    @Test func aPostgresURLBecomesAnAddressThatNeverPrintsItsPassword() throws {
        let sandbox = try sandbox(store: "postgres://conclave:s3cret@db.internal:6543/jobs?sslmode=disable")
        let (spec, _) = try ConfigLoader.loadService(sandbox.path("conclave.yaml"), environment: sandbox.environment)
        let address = PostgresAddress(host: "db.internal", port: 6543, user: "conclave", password: "s3cret", database: "jobs")
        #expect(spec.store == .postgres(address))
        #expect(spec.store.description == "postgres://conclave@db.internal:6543/jobs" && !"\(spec.store)".contains("s3cret"))
        #expect(spec.logDirectory.path == sandbox.path("service-logs"))
        let defaulted = try PostgresAddress.parse("postgresql://me@localhost/db").get()
        #expect(defaulted.port == 5432 && defaulted.password == nil)
    }

    @Test(arguments: [
        ("postgres://db.internal/jobs", "names no user"),
        ("postgres://me@db.internal", "names no database"),
        ("postgres://me@db.internal/a/b", "names no database"),
        ("postgres://me@db.internal/jobs?sslmode=require", "TLS to PostgreSQL is not supported"),
        ("postgres://me@/jobs", "names no host"),
    ])
    func aBadStoreURLIsNamedWithItsLine(url: String, reason: String) throws {
        let sandbox = try sandbox(store: "\"\(url)\"")
        let problems = sandbox.validate(["conclave.yaml"])
        #expect(problems.count == 1 && problems.first?.hasPrefix("conclave.yaml:1:") == true, "\(problems)")
        #expect(problems.first?.contains(reason) == true, "\(problems)")
    }

    @Test func gatewayLimitsAreReadAndCheckedWithTheirLines() throws {
        let good = try sandbox(store: "s.sqlite", extra: "gateway: { tokens_per_minute: 5000, cost_per_day: 2.5, attempts: 4 }\n")
        let (spec, _) = try ConfigLoader.loadService(good.path("conclave.yaml"), environment: good.environment)
        #expect(spec.gateway == GatewaySpec(tokensPerMinute: 5000, costPerDay: 2.5, attempts: 4))
        let defaults = try sandbox(store: "s.sqlite")
        #expect(try ConfigLoader.loadService(defaults.path("conclave.yaml"), environment: defaults.environment).spec.gateway == GatewaySpec())
        let bad = try sandbox(store: "s.sqlite", extra: "gateway: { attempts: 0, cost_per_day: -1, tokens_per_hour: 3 }\n")
        let problems = bad.validate(["conclave.yaml"])
        #expect(problems.count == 3 && problems.allSatisfy { $0.hasPrefix("conclave.yaml:3:") }, "\(problems)")
        #expect(problems.contains { $0.contains("attempts") } && problems.contains { $0.contains("cost_per_day") })
        #expect(problems.contains { $0.contains("tokens_per_hour") })
    }
}
