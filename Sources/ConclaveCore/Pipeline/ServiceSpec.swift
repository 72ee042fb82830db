import Foundation

/// The job service's configuration (`conclave.yaml`): where it listens, which store holds the queue and
/// the runs, which pipelines it serves, its workers, its limits and who may call it. Paths are resolved
/// relative to the file.
///
/// ```yaml
/// listen: { host: 127.0.0.1, port: 8080 }
/// store: ../../runs/service.sqlite        # or postgres://conclave@db:5432/conclave
/// pipelines: { quickstart: ../quickstart/pipeline.yaml }
/// workers: { count: 1, batch: 32, lease_seconds: 30 }
/// limits: { max_body_bytes: 1048576, max_instances: 10000 }
/// auth: { tokens_file: tokens.txt, tokens_env: CONCLAVE_TOKENS }
/// datasets: [../quickstart]
/// gateway: { tokens_per_minute: 200000, cost_per_day: 5.0, attempts: 3 }
/// ```
public struct ServiceSpec: Sendable {
    public var file: URL
    /// The address to bind; loopback unless the file says otherwise.
    public var host: String
    public var port: Int
    /// Where the queue and the runs are kept.
    public var store: ServiceStore
    /// The pipelines served, by the name clients use.
    public var pipelines: [String: URL]
    /// Workers the server runs itself (0: only `conclave worker` processes answer).
    public var workers: Int
    /// Instances a worker claims at once.
    public var batch: Int
    /// How long a claim lasts without a heartbeat.
    public var lease: Duration
    public var maxBodyBytes: Int
    public var maxInstances: Int
    /// A file of bearer tokens, one per line (`TOKEN` for every pipeline, `TOKEN p1,p2` for some).
    public var tokensFile: URL?
    /// An environment variable holding comma-separated tokens with access to every pipeline.
    public var tokensVariable: String?
    /// Folders whose dataset files a submission may name (none: instances must be inline).
    public var datasetFolders: [URL]
    /// Limits of `/v1/chat/completions`.
    public var gateway: GatewaySpec

    public init(
        file: URL,
        host: String = "127.0.0.1",
        port: Int = 8080,
        store: ServiceStore,
        pipelines: [String: URL],
        workers: Int = 1,
        batch: Int = 32,
        lease: Duration = .seconds(30),
        maxBodyBytes: Int = 1 << 20,
        maxInstances: Int = 10_000,
        tokensFile: URL? = nil,
        tokensVariable: String? = nil,
        datasetFolders: [URL] = [],
        gateway: GatewaySpec = GatewaySpec()
    ) {
        self.file = file
        self.host = host
        self.port = port
        self.store = store
        self.pipelines = pipelines
        self.workers = workers
        self.batch = batch
        self.lease = lease
        self.maxBodyBytes = maxBodyBytes
        self.maxInstances = maxInstances
        self.tokensFile = tokensFile
        self.tokensVariable = tokensVariable
        self.datasetFolders = datasetFolders
        self.gateway = gateway
    }

    /// Where the service writes the logs of the model servers it starts: beside the SQLite file, or
    /// beside the configuration when the store is PostgreSQL.
    public var logDirectory: URL {
        switch store {
        case .sqlite(let path): URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("service-logs")
        case .postgres: file.deletingLastPathComponent().appendingPathComponent("service-logs")
        }
    }
}
