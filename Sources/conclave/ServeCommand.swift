import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveServer
import ConclaveStore
import Foundation
import Logging
import ServiceLifecycle

/// `conclave serve`: the job service (the HTTP API and its embedded workers) until SIGTERM or SIGINT,
/// which stop the API and drain the workers.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve pipelines as a job API over HTTP, with embedded workers (the queue and runs in SQLite or PostgreSQL).",
        discussion:
            "Endpoints: POST /v1/jobs, GET /v1/jobs, GET /v1/jobs/ID, GET /v1/jobs/ID/results, DELETE /v1/jobs/ID, POST /v1/recruit, the OpenAI-compatible POST /v1/chat/completions (model: PIPELINE or PIPELINE/MODE) and GET /v1/models, GET /healthz, /readyz, /metrics. Every endpoint but the health checks needs a bearer token when tokens are configured."
    )

    @Option(help: "The service configuration (conclave.yaml).") var config: String
    @Option(help: "Listen on this port instead of the configuration's (0: any free port).") var port: Int?
    @Option(help: "Seconds the workers may take to finish what they hold after SIGTERM.") var grace: Double = 30

    func run() async throws {
        var service = try ServiceProcess.load(config)
        if let port { service.spec.port = port }
        try await service.run(http: true, grace: grace)
    }
}

/// `conclave worker`: workers without the API, claiming from the same queue as `serve`.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run job workers on the service's queue, without the HTTP API.",
        discussion: "A worker killed outright loses nothing: its leases expire and another worker finishes its instances."
    )

    @Option(help: "The service configuration (conclave.yaml).") var config: String
    @Option(help: "Workers in this process (default: the configuration's count, at least one).") var count: Int?
    @Option(help: "Seconds the workers may take to finish what they hold after SIGTERM.") var grace: Double = 30

    func run() async throws {
        var service = try ServiceProcess.load(config)
        service.spec.workers = max(1, count ?? service.spec.workers)
        try await service.run(http: false, grace: grace)
    }
}

/// What `serve` and `worker` share: the loaded configuration, the store and queue, the connector to every
/// served pipeline's experts, and the service group they run in.
struct ServiceProcess {
    var spec: ServiceSpec
    let pipelines: [String: LoadedPipeline]

    static func load(_ path: String) throws -> ServiceProcess {
        do {
            let (spec, pipelines) = try ConfigLoader.loadService(path)
            return ServiceProcess(spec: spec, pipelines: pipelines)
        } catch {
            printError(error.description)
            throw ExitStatus.badInput.code
        }
    }

    /// Every expert of the served pipelines, once (the first pipeline, by name, that defines an id wins).
    var experts: Registry {
        var seen: Set<String> = []
        let experts = pipelines.sorted { $0.key < $1.key }.flatMap(\.value.registry.experts).filter { seen.insert($0.id).inserted }
        return Registry(experts: experts, skills: [], roles: [])
    }

    func run(http: Bool, grace: Double) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let tokens: BearerTokens
        let connector: LiveConnector
        do {
            tokens = try BearerTokens(file: spec.tokensFile, variable: spec.tokensVariable)
            connector = try LiveConnector(registry: experts, environment: .current(), logDirectory: spec.logDirectory)
        } catch {
            printError("error: \(error)")
            throw ExitStatus.badInput.code
        }
        do {
            try await ServiceStorage.with(spec.store) { queue, store in
                let server = JobServer(spec: spec, pipelines: pipelines, queue: queue, store: store, connector: connector, tokens: tokens)
                var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                    .init(service: SignalNotice(grace: grace, runtime: connector.runtime)),
                    .init(service: connector),
                    .init(service: server.workers),
                    .init(service: server.gatewayLog),
                ]
                if http {
                    if tokens.isEmpty { printError("warning: no bearer token is configured: the API is open to anyone who can reach \(spec.host)") }
                    let host = spec.host
                    services.append(.init(service: server.application { port in printError("listening on http://\(host):\(port)") }))
                } else {
                    printError("\(spec.workers) worker(s) on \(spec.store), pipelines \(pipelines.keys.sorted().joined(separator: ", "))")
                }
                var configuration = ServiceGroupConfiguration(
                    services: services,
                    gracefulShutdownSignals: [.sigint, .sigterm],
                    logger: Logger(label: "conclave.lifecycle")
                )
                configuration.maximumGracefulShutdownDuration = .seconds(max(0, grace))
                try await ServiceGroup(configuration: configuration).run()
            }
        } catch let error as ServiceStorage.OpenError {
            printError("error: \(error)")
            throw ExitStatus.badInput.code
        }
    }
}
