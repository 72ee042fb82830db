import ConclaveCore
import Foundation

/// Thrown when configuration cannot be loaded: every problem found, not just the first.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sorted() }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Diagnostic {
    /// `'text'` for a message: on one line, and cut after `limit` characters so a huge value cannot flood
    /// the terminal (paths get the longest a path can be).
    static func quoted(_ text: some StringProtocol, limit: Int = 60) -> String {
        let line = text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return line.count <= limit ? "'\(line)'" : "'\(line.prefix(limit))…' (\(line.count) characters)"
    }

    /// The longest path Linux opens.
    static let pathLimit = 4_096
}
