import ConclaveConfig
import ConclaveCore
import Foundation

/// What the readers made of one damaged file.
public enum FuzzOutcome: Sendable, Equatable {
    /// Read without a problem.
    case accepted
    /// Turned away with diagnostics, each with a message and a position inside the file it names.
    case rejected
    /// Turned away in a way a user cannot act on: an error that is not a diagnostic, a diagnostic without a
    /// message, or one placed outside its file; or two readers disagreeing on the same file.
    case badRejection(String)

    /// The outcome of a set of diagnostics about the damaged file at `path`, whose text is `bytes`.
    static func judging(_ diagnostics: [Diagnostic], path: String, bytes: [UInt8]) -> FuzzOutcome {
        let lines = TextLines.count(in: String(decoding: bytes, as: UTF8.self))
        for diagnostic in diagnostics {
            if let problem = problem(with: diagnostic, path: path, lines: lines) { return .badRejection("\(problem): \(diagnostic)") }
        }
        return diagnostics.isEmpty ? .accepted : .rejected
    }

    private static func problem(with diagnostic: Diagnostic, path: String, lines: Int) -> String? {
        if diagnostic.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "a diagnostic without a message" }
        if diagnostic.file.isEmpty { return "a diagnostic without a file" }
        if diagnostic.line < 1 || diagnostic.column < 1 { return "a diagnostic at line \(diagnostic.line), column \(diagnostic.column)" }
        let samePath = URL(fileURLWithPath: diagnostic.file).standardizedFileURL.path == URL(fileURLWithPath: path).standardizedFileURL.path
        if samePath, diagnostic.line > lines { return "a diagnostic past the end of its \(lines)-line file" }
        return nil
    }

    /// The worse of two outcomes: a bad rejection over a rejection over an acceptance.
    func combined(with second: FuzzOutcome) -> FuzzOutcome {
        switch (self, second) {
        case (.badRejection, _): return self
        case (_, .badRejection): return second
        case (.accepted, .accepted): return .accepted
        default: return .rejected
        }
    }

    /// A name for counting: `accepted`, `rejected` or `bad_rejection`.
    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .badRejection: "bad_rejection"
        }
    }
}
