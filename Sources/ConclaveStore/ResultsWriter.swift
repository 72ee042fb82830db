import Foundation

/// Appends results to a JSONL file, one object per line with snake_case keys, flushed line by line so a
/// crash loses nothing already written.
///
/// ```swift
/// let writer = try ResultsWriter(url: outputDirectory.appendingPathComponent("results.jsonl"))
/// try writer.append(result)
/// ```
public final class ResultsWriter: @unchecked Sendable {
    public let url: URL
    private let handle: FileHandle
    private let encoder: JSONEncoder
    private let lock = NSLock()

    /// Creates (or truncates) the file.
    public init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        self.url = url
        self.handle = try FileHandle(forWritingTo: url)
        self.encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    deinit { try? handle.close() }

    public func append<Record: Encodable>(_ record: Record) throws {
        var line = try encoder.encode(record)
        line.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        try handle.write(contentsOf: line)
    }
}
