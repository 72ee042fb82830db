import ConclaveCore
import Foundation

/// Streams instances from a JSONL dataset one line at a time, so a dataset of any size runs in constant
/// memory. A line that cannot be parsed is reported with its line number and skipped.
///
/// Accepted fields: `id` (string or number; default `line-N`), `question` or `text`, optional `choices`
/// (list of strings), `answer` or `gold_answer`, and any other string field as metadata.
///
/// ```swift
/// for try await row in DatasetReader(url: url).rows() {
///     switch row { case .instance(let instance): … case .invalid(let problem): print(problem) }
/// }
/// ```
public struct DatasetReader: Sendable {
    /// One line of the dataset: an instance, or the reason it was skipped.
    public enum Row: Sendable {
        case instance(Instance)
        case invalid(Diagnostic)
    }

    public let url: URL
    public let displayPath: String

    public init(url: URL, displayPath: String? = nil) {
        self.url = url
        self.displayPath = displayPath ?? url.path
    }

    /// Every non-blank line, in order.
    public func rows() throws -> some Sequence<Row> {
        let lines = try LineSequence(url: url)
        return lines.lazy.compactMap { number, line -> Row? in
            guard line.contains(where: { !$0.isWhitespace }) else { return nil }
            return self.parse(line, lineNumber: number)
        }
    }

    /// How many non-blank lines the dataset has: the progress total, counted without parsing JSON.
    public func instanceCount() throws -> Int {
        try LineSequence(url: url).reduce(0) { count, line in line.1.contains(where: { !$0.isWhitespace }) ? count + 1 : count }
    }

    func parse(_ line: String, lineNumber: Int) -> Row {
        func invalid(_ message: String) -> Row {
            .invalid(Diagnostic(file: displayPath, line: lineNumber, column: 1, message: message))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            return invalid("not a JSON object")
        }
        guard let text = (object["question"] ?? object["text"]) as? String, !text.isEmpty else {
            return invalid("missing string field 'question' (or 'text')")
        }
        let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? "line-\(lineNumber)"
        var choices: [String] = []
        if let given = object["choices"] {
            guard let list = given as? [String] else { return invalid("field 'choices' must be a list of strings") }
            choices = list
        }
        let goldValue = object["answer"] ?? object["gold_answer"]
        let gold = (goldValue as? String) ?? (goldValue as? NSNumber)?.stringValue
        if goldValue != nil, gold == nil { return invalid("field 'answer' must be a string or a number") }
        var metadata: [String: String] = [:]
        for (key, value) in object where !["id", "question", "text", "choices", "answer", "gold_answer"].contains(key) {
            if let string = value as? String { metadata[key] = string }
        }
        return .instance(Instance(id: id, text: text, choices: choices, gold: gold, metadata: metadata))
    }
}

/// The lines of a file, read in 64 KiB chunks, numbered from 1.
struct LineSequence: Sequence, Sendable {
    let url: URL

    init(url: URL) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        self.url = url
    }

    func makeIterator() -> Iterator { Iterator(handle: try? FileHandle(forReadingFrom: url)) }

    struct Iterator: IteratorProtocol {
        let handle: FileHandle?
        var buffer = Data()
        var number = 0
        var finished = false

        mutating func next() -> (Int, String)? {
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer = buffer[buffer.index(after: newline)...]
                    number += 1
                    return (number, String(decoding: line, as: UTF8.self))
                }
                if finished {
                    guard !buffer.isEmpty else { try? handle?.close(); return nil }
                    defer { buffer = Data() }
                    number += 1
                    return (number, String(decoding: buffer, as: UTF8.self))
                }
                let chunk = (try? handle?.read(upToCount: 65_536)) ?? nil
                if let chunk, !chunk.isEmpty { buffer.append(chunk) } else { finished = true }
            }
        }
    }
}
