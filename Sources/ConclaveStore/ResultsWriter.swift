import Foundation
import Synchronization

/// Appends JSON lines to a file (`results.jsonl`), each written whole, so concurrent writers never
/// interleave and a crash loses nothing already written.
///
/// ```swift
/// let writer = try ResultsWriter(url: outputDirectory.appendingPathComponent("results.jsonl"))
/// try writer.appendJSON(result.resultsJSON)
/// ```
public final class ResultsWriter: Sendable {
    public let url: URL
    /// The file, written by one appender at a time.
    private let handle: Mutex<FileHandle>

    /// Creates (or truncates) the file.
    public init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A file that cannot be created makes `FileHandle(forWritingTo:)` below throw, with the reason.
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        self.url = url
        self.handle = Mutex(try FileHandle(forWritingTo: url))
    }

    deinit { handle.withLock { try? $0.close() } }

    /// Appends one line that is already JSON.
    public func appendJSON(_ json: String) throws {
        var line = Data(json.utf8)
        line.append(0x0A)
        try handle.withLock { try $0.write(contentsOf: line) }
    }
}
