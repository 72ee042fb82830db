import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The job service of `conclave serve`: the HTTP API (Hummingbird) over the queue and the run store — the
/// job routes and the OpenAI-compatible endpoint — and the workers embedded in the process. The workers,
/// the endpoint's log and the API are services for one `ServiceGroup`, so SIGTERM stops the API, drains
/// the workers and writes the log's last batch.
///
/// ```swift
/// let server = JobServer(spec: spec, pipelines: pipelines, queue: queue, store: store, connector: connector, tokens: tokens)
/// let group = ServiceGroup(services: [connector, server.workers, server.gatewayLog, server.application()], logger: logger)
/// try await group.run()
/// ```
public struct JobServer: Sendable {
    public let spec: ServiceSpec
    public let pipelines: [String: LoadedPipeline]
    public let queue: any JobQueue
    public let store: any RunStore
    public let tokens: BearerTokens
    public let metrics: ServiceMetrics
    public let workers: WorkerPool
    let gateway: GatewayRoutes
    /// The requests to cancel when their client leaves.
    let departures = Departures()

    public init(
        spec: ServiceSpec,
        pipelines: [String: LoadedPipeline],
        queue: any JobQueue,
        store: any RunStore,
        connector: any ExpertConnector,
        tokens: BearerTokens,
        workerName: String = ProcessInfo.processInfo.hostName
    ) {
        let metrics = ServiceMetrics()
        self.spec = spec
        self.pipelines = pipelines
        self.queue = queue
        self.store = store
        self.tokens = tokens
        self.metrics = metrics
        let limits = GatewayLimits(spec.gateway)
        let log = GatewayLog(
            store: store,
            observer: metrics,
            limits: limits,
            clients: UpstreamClients(plain: UpstreamConnections(), tls: .conclave())
        )
        self.gateway = GatewayRoutes(
            pipelines: pipelines.reduce(into: [:]) { served, entry in
                served[entry.key] = GatewayPipeline(
                    name: entry.key,
                    pipeline: entry.value,
                    connector: connector,
                    store: store,
                    observer: metrics
                )
            },
            limits: limits,
            log: log,
            connector: connector,
            metrics: metrics,
            departures: departures,
            clients: log.clients,
            attempts: spec.gateway.attempts,
            maxBodyBytes: spec.maxBodyBytes
        )
        self.workers = WorkerPool(
            workers: (0..<spec.workers).map { index in
                JobWorker(
                    name: "\(workerName)-\(ProcessInfo.processInfo.processIdentifier)-\(index)",
                    queue: queue,
                    store: store,
                    connector: connector,
                    pipelines: pipelines,
                    observer: metrics,
                    batch: spec.batch,
                    lease: spec.lease
                )
            }
        )
    }

    /// What the OpenAI-compatible endpoint forwarded, written to the store off the request path; run it as
    /// a service beside the application.
    public var gatewayLog: some Service { gateway.log }

    /// The HTTP application; `onRunning` gets the port it listens on (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router(context: ServiceContext.self)
        router.add(middleware: BearerAuth(tokens: tokens))
        let workers = self.workers
        JobRoutes(
            spec: spec,
            pipelines: pipelines,
            queue: queue,
            store: store,
            metrics: metrics,
            workersRunning: { [spec] in spec.workers == 0 || workers.isRunning }
        )
        .add(to: router)
        gateway.add(to: router)
        let gateway = self.gateway
        let tokens = self.tokens
        var logger = Logger(label: "conclave.server")
        logger.logLevel = .warning
        return Application(
            router: router,
            server: DepartingClients.http1(departures) { [PassThroughHandler(gateway: gateway, tokens: tokens)] },
            configuration: ApplicationConfiguration(address: .hostname(spec.host, port: spec.port), serverName: "conclave"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? spec.port) },
            logger: logger
        )
    }
}
