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
        self.encoder = Self.makeEncoder()
    }

    /// The encoding of results lines: snake_case keys, sorted, slashes unescaped.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    deinit { try? handle.close() }

    public func append<Record: Encodable>(_ record: Record) throws {
        try write(try encoder.encode(record))
    }

    /// Appends a line that is already JSON.
    public func appendJSON(_ json: String) throws {
        try write(Data(json.utf8))
    }

    private func write(_ json: Data) throws {
        var line = json
        line.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        try handle.write(contentsOf: line)
    }
}
