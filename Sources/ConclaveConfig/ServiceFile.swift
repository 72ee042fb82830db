import ConclaveCore
import Foundation
import Yams

/// Reads the job service's `conclave.yaml` into a `ServiceSpec`, reporting every problem with its position.
enum ServiceFile {
    static let keys = ["listen", "store", "pipelines", "workers", "limits", "auth", "datasets", "gateway"]

    /// Whether a parsed file is a service configuration: it lists pipelines and names no registry.
    static func isFile(_ root: Node) -> Bool {
        guard case .mapping(let mapping) = root else { return false }
        let keys = Set(mapping.keys.compactMap(\.string))
        return keys.contains("pipelines") && !keys.contains("registry")
    }

    static func read(_ root: Node, path: String, reader: YAMLReader) -> ServiceSpec? {
        guard let fields = reader.fields(root, of: "service configuration", allowed: keys) else { return nil }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> URL {
            relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : base.appendingPathComponent(relative).standardizedFileURL
        }
        let listen = fields.nested("listen", allowed: ["host", "port"], required: false)
        let workers = fields.nested("workers", allowed: ["count", "batch", "lease_seconds"], required: false)
        let limits = fields.nested("limits", allowed: ["max_body_bytes", "max_instances"], required: false)
        let auth = fields.nested("auth", allowed: ["tokens_file", "tokens_env"], required: false)
        let gateway = fields.nested("gateway", allowed: ["tokens_per_minute", "cost_per_day", "attempts"], required: false)
        var pipelines: [String: URL] = [:]
        if let node = fields.value("pipelines") {
            if case .mapping(let mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard let name = key.string, !name.isEmpty, let file = value.string, !file.isEmpty else {
                        reader.report(value, "each pipeline maps a name to a pipeline file")
                        continue
                    }
                    let url = resolve(file)
                    if !FileManager.default.isReadableFile(atPath: url.path) {
                        reader.report(value, "pipeline file \(Diagnostic.quoted(url.path, limit: Diagnostic.pathLimit)) is not readable")
                    }
                    pipelines[name] = url
                }
            } else {
                reader.report(node, "'pipelines' must map names to pipeline files, at least one")
            }
        }
        let datasets = fields.strings("datasets").map { resolve($0.0) }
        guard let storeText = fields.string("store") else { return nil }
        let store: ServiceStore
        if PostgresAddress.isURL(storeText) {
            switch PostgresAddress.parse(storeText) {
            case .success(let address): store = .postgres(address)
            case .failure(let error):
                reader.report(fields.value("store"), "the store URL \(error.reason)")
                return nil
            }
        } else {
            store = .sqlite(path: storeText.hasPrefix("/") ? storeText : resolve(storeText).path)
        }
        let tokensFile = auth?.string("tokens_file", required: false).map(resolve)
        if let tokensFile, !FileManager.default.isReadableFile(atPath: tokensFile.path) {
            reader.report(
                auth?.value("tokens_file"),
                "tokens file \(Diagnostic.quoted(tokensFile.path, limit: Diagnostic.pathLimit)) is not readable"
            )
        }
        return ServiceSpec(
            file: URL(fileURLWithPath: path),
            host: listen?.string("host", required: false) ?? "127.0.0.1",
            port: listen?.int("port", required: false, in: Limits.port) ?? 8080,
            store: store,
            pipelines: pipelines,
            workers: workers?.int("count", required: false, in: Limits.workers) ?? 1,
            batch: workers?.int("batch", required: false, in: Limits.batch) ?? 32,
            lease: .seconds(workers?.double("lease_seconds", required: false, in: Limits.leaseSeconds) ?? 30),
            maxBodyBytes: limits?.int("max_body_bytes", required: false, in: Limits.bodyBytes) ?? 1 << 20,
            maxInstances: limits?.int("max_instances", required: false, in: Limits.instances) ?? 10_000,
            tokensFile: tokensFile,
            tokensVariable: auth?.string("tokens_env", required: false),
            datasetFolders: datasets,
            gateway: GatewaySpec(
                tokensPerMinute: gateway?.int("tokens_per_minute", required: false, in: Limits.tokensPerMinute),
                costPerDay: gateway?.double("cost_per_day", required: false, in: Limits.budget),
                attempts: gateway?.int("attempts", required: false, in: Limits.attempts) ?? 3
            )
        )
    }
}

extension ConfigLoader {
    /// The service configuration and every pipeline it serves, loaded and validated; throws every problem
    /// found, each with file, line and column.
    public static func loadService(
        _ path: String,
        environment: ConfigEnvironment = .current()
    ) throws(ConfigurationError) -> (
        spec: ServiceSpec, pipelines: [String: LoadedPipeline]
    ) {
        let workspace = ConfigWorkspace(environment: environment)
        guard let (root, reader) = workspace.parse(path) else { throw ConfigurationError(workspace.diagnostics) }
        let spec = ServiceFile.read(root, path: path, reader: reader)
        guard let spec, reader.diagnostics.isEmpty else { throw ConfigurationError(workspace.diagnostics + reader.diagnostics) }
        var pipelines: [String: LoadedPipeline] = [:]
        var problems: [Diagnostic] = []
        for (name, url) in spec.pipelines.sorted(by: { $0.key < $1.key }) {
            do { pipelines[name] = try loadPipeline(url.path, environment: environment) } catch { problems += error.diagnostics }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return (spec, pipelines)
    }
}
