import ConclaveCore
import Foundation

extension ConfigEnvironment {
    /// The process environment layered over the setup script's `runtime.env`.
    public static func current() -> ConfigEnvironment {
        let process = ProcessInfo.processInfo.environment
        var variables = parseEnvFile(cacheDirectory(process).appendingPathComponent("runtime.env"))
        variables.merge(process) { _, fromProcess in fromProcess }
        return ConfigEnvironment(variables: variables)
    }

    static func parseEnvFile(_ url: URL) -> [String: String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals]).trimmingCharacters(in: .whitespaces)] = String(line[line.index(after: equals)...])
        }
        return result
    }
}
