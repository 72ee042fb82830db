/// A problem found in a configuration or data file, located by file, line and column (both from 1).
///
/// Printed as `file:line:column: message`, the form editors and CI logs link to.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

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
