import Foundation

/// The variables that `${NAME}` references in configuration expand to: the process environment, over the
/// `runtime.env` file that `scripts/setup.sh` writes into the cache folder (`CONCLAVE_LLAMA_SERVER`,
/// `CONCLAVE_MODELS`). No machine path is ever committed in YAML.
///
/// ```swift
/// let environment = ConfigEnvironment(variables: ["CONCLAVE_MODELS": "/models"])
/// try environment.expand("${CONCLAVE_MODELS}/smollm2.gguf")   // "/models/smollm2.gguf"
/// ```
///
/// `ConfigEnvironment.current()` (in ConclaveConfig) reads the process environment and `runtime.env`:
///
/// ```swift
/// let environment = ConfigEnvironment.current()
/// ```
public struct ConfigEnvironment: Sendable {
    public var variables: [String: String]

    public init(variables: [String: String]) { self.variables = variables }

    /// The per-user cache folder: `$CONCLAVE_HOME`, else `$XDG_CACHE_HOME/conclave`, else `~/.cache/conclave`.
    public var cacheDirectory: URL { Self.cacheDirectory(variables) }

    /// The per-user cache folder that these variables name.
    public static func cacheDirectory(_ environment: [String: String]) -> URL {
        if let home = environment["CONCLAVE_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        let cache =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        return URL(fileURLWithPath: cache).appendingPathComponent("conclave")
    }

    /// An unknown variable in a configuration value.
    public struct UndefinedVariable: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "undefined variable ${\(name)}: export it, or run scripts/setup.sh, which defines CONCLAVE_MODELS and CONCLAVE_LLAMA_SERVER"
        }
    }

    /// `text` with every `${NAME}` replaced by its value.
    public func expand(_ text: String) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[start.upperBound..<end])
            guard let value = variables[name] else { throw UndefinedVariable(name: name) }
            result += rest[..<start.lowerBound] + value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
