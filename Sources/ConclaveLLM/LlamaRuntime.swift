import AsyncHTTPClient
import ConclaveCore
import Foundation
import Logging
import Synchronization

/// A model served by a managed `llama-server`: which GGUF file, how many parallel slots (requests the
/// server batches together) and how much context each slot gets.
public struct LlamaModel: Sendable, Hashable {
    public var path: String
    public var parallelSlots: Int
    public var contextPerSlot: Int
    /// Serve `/v1/embeddings` (mean pooling) instead of chat completions.
    public var embeddings: Bool

    public init(path: String, parallelSlots: Int, contextPerSlot: Int, embeddings: Bool = false) {
        self.path = path
        self.parallelSlots = parallelSlots
        self.contextPerSlot = contextPerSlot
        self.embeddings = embeddings
    }

    /// A short name for logs: the file name without `.gguf`.
    public var name: String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
}

/// Starts and stops `llama-server` processes: loading a model means starting its server on a free loopback
/// port and waiting until it is healthy; unloading means stopping it. The runtime keeps whatever it is told
/// to load: which models are resident is decided by the caller (a run's `BatchPlanner` and `ResidentSet`),
/// never here. Server logs go to `logDirectory`.
///
/// ```swift
/// let runtime = LlamaRuntime(serverBinary: binary, logDirectory: logs, httpClient: .shared)
/// let baseURL = try await runtime.load(model)   // "http://127.0.0.1:PORT/v1"
/// await runtime.shutdown()                      // stops every server
/// ```
///
/// In a `ServiceGroup` the runtime is a `Service` that stops every server when the group shuts down.
public actor LlamaRuntime {
    /// A running server.
    struct Server {
        let process: Process
        let port: Int
        let logFile: URL
    }

    /// The counts a run reports.
    public struct Counters: Sendable, Hashable {
        public var loads = 0
        public var unloads = 0
        /// The time spent starting servers until they were healthy.
        public var loadTime = Duration.zero
        /// Servers that died while loaded and were started again.
        public var restarts = 0

        public init() {}
    }

    public let serverBinary: URL
    public let logDirectory: URL
    public let startupTimeout: Duration
    public let threads: Int
    /// How often one model's server is started again after dying while loaded.
    public let maxRestarts: Int
    private var restartsOf: [LlamaModel: Int] = [:]
    private let httpClient: HTTPClient
    private let logger: Logger
    private var servers: [LlamaModel: Server] = [:]
    public private(set) var counters = Counters()
    private nonisolated let processIDs = ProcessIDSet()
    private let serverRegistry: ServerRegistry?

    public init(
        serverBinary: URL,
        logDirectory: URL,
        startupTimeout: Duration = .seconds(120),
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        maxRestarts: Int = 1,
        httpClient: HTTPClient,
        serverRegistry: ServerRegistry? = nil,
        logger: Logger = Logger(label: "conclave.runtime")
    ) {
        self.serverBinary = serverBinary
        self.logDirectory = logDirectory
        self.startupTimeout = startupTimeout
        self.threads = max(1, threads)
        self.maxRestarts = max(0, maxRestarts)
        self.httpClient = httpClient
        self.serverRegistry = serverRegistry
        self.logger = logger
    }

    /// The models resident now.
    public var residentModels: [LlamaModel] { Array(servers.keys) }

    /// The log file of a resident model's server.
    public func logFile(for model: LlamaModel) -> URL? { servers[model]?.logFile }

    /// The base URL (`http://127.0.0.1:PORT/v1`) of the model's server, starting it first when needed. A
    /// server that died while loaded is started again, at most `maxRestarts` times per model (each logged
    /// and counted in `counters.restarts`); after that, a `LlamaServerError` with code `.died` is thrown.
    public func load(_ model: LlamaModel) async throws -> String {
        if let server = servers[model], !server.process.isRunning {
            servers[model] = nil
            processIDs.remove(server.process.processIdentifier)
            serverRegistry?.forget(server: server.process.processIdentifier)
            let status = server.process.terminationStatus
            guard restartsOf[model, default: 0] < maxRestarts else {
                throw LlamaServerError.died(model: model.name, status: status, restarts: restartsOf[model, default: 0], logFile: server.logFile.path)
            }
            restartsOf[model, default: 0] += 1
            counters.restarts += 1
            logger.warning("llama-server for \(model.name) died (status \(status); log: \(server.logFile.path)); starting it again")
        }
        if let server = servers[model] { return Self.baseURL(port: server.port) }
        let started = ContinuousClock.now
        let server = try await start(model)
        let took = ContinuousClock.now - started
        servers[model] = server
        counters.loads += 1
        counters.loadTime += took
        logger.info("loaded \(model.name) on port \(server.port) in \(String(format: "%.1f", took.inSeconds)) s; log: \(server.logFile.path)")
        return Self.baseURL(port: server.port)
    }

    /// The process id of the model's server, while it is loaded.
    public func processID(of model: LlamaModel) -> Int32? { servers[model]?.process.processIdentifier }

    /// Whether the model's server is loaded and its process alive.
    public func isRunning(_ model: LlamaModel) -> Bool { servers[model]?.process.isRunning ?? false }

    /// Stops the model's server, if it is running.
    public func unload(_ model: LlamaModel) async {
        guard let server = servers.removeValue(forKey: model) else { return }
        await stop(server.process)
        counters.unloads += 1
        logger.info("unloaded \(model.name)")
    }

    /// Stops every server. Safe to call more than once.
    public func shutdown() async {
        for model in Array(servers.keys) { await unload(model) }
    }

    /// Kills every server at once, without waiting on the actor: the last resort of a signal handler
    /// (a second Ctrl-C) just before the process exits.
    public nonisolated func killAllImmediately() {
        for pid in processIDs.all() { kill(pid, SIGKILL) }
    }

    static func baseURL(port: Int) -> String { "http://127.0.0.1:\(port)/v1" }

    private func start(_ model: LlamaModel) async throws -> Server {
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let port = try FreePort.loopback()
        let logFile = logDirectory.appendingPathComponent("llama-server-\(model.name)-\(port).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = serverBinary
        process.arguments =
            [
                "--model", model.path, "--host", "127.0.0.1", "--port", String(port),
                "--parallel", String(model.parallelSlots), "--ctx-size", String(model.parallelSlots * model.contextPerSlot),
                "--threads", String(threads),
            ] + (model.embeddings ? ["--embeddings", "--pooling", "mean"] : [])
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw LlamaServerError.launchFailed(binary: serverBinary.path, reason: "\(error)")
        }
        processIDs.insert(process.processIdentifier)
        serverRegistry?.record(server: process.processIdentifier)
        let deadline = Date().addingTimeInterval(startupTimeout.inSeconds)
        while Date() < deadline {
            if !process.isRunning {
                throw LlamaServerError.exited(
                    model: model.name,
                    status: process.terminationStatus,
                    logFile: logFile.path,
                    logTail: Self.tail(of: logFile)
                )
            }
            if await healthy(port: port) { return Server(process: process, port: port, logFile: logFile) }
            try? await Task.sleep(nanoseconds: 100_000_000)
            if Task.isCancelled { break }
        }
        await stop(process)
        if Task.isCancelled { throw CancellationError() }
        throw LlamaServerError.notHealthy(model: model.name, within: startupTimeout, logFile: logFile.path, logTail: Self.tail(of: logFile))
    }

    private func healthy(port: Int) async -> Bool {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        guard let response = try? await httpClient.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 65_536)
        return response.status.code == 200
    }

    /// SIGTERM, then SIGKILL when the server has not exited within 0.3 s (llama-server keeps serving open
    /// keep-alive connections after SIGTERM, and holds no state worth a longer wait: the next model's load
    /// waits on this).
    private func stop(_ process: Process) async {
        defer {
            processIDs.remove(process.processIdentifier)
            serverRegistry?.forget(server: process.processIdentifier)
        }
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<3 where process.isRunning { try? await Task.sleep(nanoseconds: 100_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(nanoseconds: 50_000_000) }
    }

    static func tail(of file: URL, lines: Int = 15) -> String {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// The process ids of running servers, readable from any thread.
final class ProcessIDSet: Sendable {
    private let ids = Mutex<Set<Int32>>([])

    func insert(_ id: Int32) { ids.withLock { _ = $0.insert(id) } }
    func remove(_ id: Int32) { ids.withLock { _ = $0.remove(id) } }
    func all() -> [Int32] { ids.withLock { Array($0) } }
}
