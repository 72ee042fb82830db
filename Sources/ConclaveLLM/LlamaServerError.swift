/// Why a managed `llama-server` could not serve a model: a struct with a `code`, so new kinds of failure
/// can be added without breaking code that checks them. The description says what happened and ends with
/// the tail of the server's log where there is one.
///
/// ```swift
/// do { _ = try await runtime.load(model) } catch let error as LlamaServerError where error.code == .notHealthy {
///     print(error.logFile ?? "-")
/// }
/// ```
public struct LlamaServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The binary could not be started at all.
        public static let launchFailed = Code("launchFailed")
        /// The server exited before it was healthy.
        public static let exited = Code("exited")
        /// The server did not answer `/health` within the startup timeout.
        public static let notHealthy = Code("notHealthy")
        /// The server died while loaded, after its restarts were used up.
        public static let died = Code("died")
        /// No `llama-server` binary is configured or found.
        public static let binaryNotFound = Code("binaryNotFound")

        public var description: String { name }
    }

    public let code: Code
    /// The model's short name, when the failure concerns one.
    public let model: String?
    /// The server's log file, when it got one.
    public let logFile: String?
    public let description: String

    private init(code: Code, model: String? = nil, logFile: String? = nil, description: String) {
        self.code = code
        self.model = model
        self.logFile = logFile
        self.description = description
    }

    static func launchFailed(binary: String, reason: String) -> LlamaServerError {
        LlamaServerError(code: .launchFailed, description: "cannot start \(binary): \(reason)")
    }

    static func exited(model: String, status: Int32, logFile: String, logTail: String) -> LlamaServerError {
        LlamaServerError(
            code: .exited,
            model: model,
            logFile: logFile,
            description: "llama-server for \(model) exited with status \(status) before it was healthy (log: \(logFile)):\n\(logTail)"
        )
    }

    static func notHealthy(model: String, within limit: Duration, logFile: String, logTail: String) -> LlamaServerError {
        LlamaServerError(
            code: .notHealthy,
            model: model,
            logFile: logFile,
            description: "llama-server for \(model) was not healthy within \(Int(limit.inSeconds)) s (log: \(logFile)):\n\(logTail)"
        )
    }

    static func died(model: String, status: Int32, restarts: Int, logFile: String) -> LlamaServerError {
        LlamaServerError(
            code: .died,
            model: model,
            logFile: logFile,
            description: "llama-server for \(model) died (status \(status)) after \(restarts) restart(s); not starting it again (log: \(logFile))"
        )
    }

    /// No usable binary: `detail` says where Conclave looked.
    public static func binaryNotFound(_ detail: String) -> LlamaServerError {
        LlamaServerError(code: .binaryNotFound, description: "llama-server not found: \(detail). Run scripts/setup.sh, or set CONCLAVE_LLAMA_SERVER.")
    }
}
