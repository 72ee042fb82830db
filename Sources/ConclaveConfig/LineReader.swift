import Foundation

/// Reads a file one line at a time in 64 KiB chunks, numbering lines from 1, so a file of any size is read
/// in constant memory. A read error is thrown, naming the file and the line it stopped at: it is never taken
/// for the end of the file.
///
/// ```swift
/// var lines = try LineReader(url: url)
/// while let (number, bytes) = try lines.nextLine() { … }
/// ```
public struct LineReader {
    /// The file could not be opened, or reading it failed part of the way through.
    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        /// The line that was being read when reading failed (1 when the file could not be opened).
        public var line: Int
        public var reason: String

        /// What went wrong, without the file's name.
        public var message: String {
            line == 1 ? "cannot read the file: \(reason)" : "cannot read the file past line \(line - 1): \(reason)"
        }

        public var description: String { "\(path): \(message)" }
    }

    public let path: String
    private let readChunk: () throws -> Data?
    private var buffer = Data()
    private var number = 0
    private var finished = false

    public init(url: URL, displayPath: String? = nil) throws(ReadError) {
        let path = displayPath ?? url.path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ReadError(path: path, line: 1, reason: "it is a folder")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw ReadError(path: path, line: 1, reason: Self.reason(error)) }
        self.init(path: path) { try handle.read(upToCount: 65_536) }
    }

    /// Lines from any source of chunks (nil or empty at the end), such as one that fails part of the way in a test.
    init(path: String, chunks: @escaping () throws -> Data?) {
        self.path = path
        readChunk = chunks
    }

    /// The next line without its newline, or nil at the end of the file.
    public mutating func nextLine() throws(ReadError) -> (number: Int, bytes: Data)? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Data(buffer[buffer.startIndex..<newline])
                buffer = buffer[buffer.index(after: newline)...]
                number += 1
                return (number, line)
            }
            if finished {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                number += 1
                return (number, Data(buffer))
            }
            do {
                if let chunk = try readChunk(), !chunk.isEmpty { buffer.append(chunk) } else { finished = true }
            } catch {
                throw ReadError(path: path, line: number + 1, reason: Self.reason(error))
            }
        }
    }

    /// Whether a line holds nothing but ASCII white space.
    static func isBlank(_ bytes: Data) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || (0x09...0x0D).contains($0) }
    }

    /// The system's words for a failure (`No such file or directory`), when it gives them.
    private static func reason(_ error: any Error) -> String {
        var error = error as NSError
        while error.domain != NSPOSIXErrorDomain, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { error = underlying }
        return error.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(error.code))) : error.localizedDescription
    }
}
