import ConclaveCore
import Foundation

/// Streams instances from a JSONL dataset one line at a time. A line that cannot be used is reported with
/// its line number and skipped: not a JSON object, not UTF-8, no question, more than 26 choices (one per
/// letter A–Z), or an id that an earlier line already has. The ids seen are kept to find repeats (tens of
/// bytes per row); everything else streams in constant memory. A read error part of the way through ends
/// the rows with one `.invalid` row that says so, never silently.
///
/// Accepted fields: `id` (string or number; default `line-N`), `question` or `text`, optional `choices`
/// (list of strings), `answer` or `gold_answer`, and any other string field as metadata.
///
/// ```swift
/// for row in try DatasetReader(url: url).rows() {
///     switch row { case .instance(let instance): … case .invalid(let problem): print(problem) }
/// }
/// ```
public struct DatasetReader: DatasetSource {
    public let url: URL
    public let displayPath: String

    public init(url: URL, displayPath: String? = nil) {
        self.url = url
        self.displayPath = displayPath ?? url.path
    }

    /// Every non-blank line, in order; throws when the file cannot be opened.
    public func rows() throws -> any Sequence<DatasetRow> {
        rows(of: try LineReader(url: url, displayPath: displayPath))
    }

    /// The rows of lines from any source (a test's that fails part of the way through).
    func rows(of lines: LineReader) -> some Sequence<DatasetRow> { Rows(dataset: self, lines: lines) }

    /// How many non-blank lines the dataset has: the progress total, counted without parsing JSON. Throws
    /// when the file cannot be read to its end.
    public func instanceCount() throws -> Int {
        var lines = try LineReader(url: url, displayPath: displayPath)
        var count = 0
        while let line = try lines.nextLine() {
            if !LineReader.isBlank(line.bytes) { count += 1 }
        }
        return count
    }

    /// The rows of one pass over the file, with the line of every id seen so far.
    private struct Rows: Sequence, IteratorProtocol {
        let dataset: DatasetReader
        /// Nil once reading has failed.
        var lines: LineReader?
        var firstLine: [String: Int] = [:]

        mutating func next() -> DatasetRow? {
            do {
                while let line = try lines?.nextLine() {
                    guard !LineReader.isBlank(line.bytes) else { continue }
                    let row = dataset.parse(line.bytes, lineNumber: line.number)
                    guard case .instance(let instance) = row else { return row }
                    if let first = firstLine[instance.id] {
                        return dataset.invalid(
                            line.number,
                            "id \(Diagnostic.quoted(instance.id)) repeats the id of line \(first) (lines \(first) and \(line.number)); this row is skipped"
                        )
                    }
                    firstLine[instance.id] = line.number
                    return row
                }
                return nil
            } catch {
                lines = nil
                return dataset.invalid(error.line, "\(error.message); the rest of the file is not read")
            }
        }
    }

    func parse(_ bytes: Data, lineNumber: Int) -> DatasetRow {
        func invalid(_ message: String) -> DatasetRow { self.invalid(lineNumber, message) }
        guard String(validating: bytes, as: UTF8.self) != nil else { return invalid("the line is not valid UTF-8") }
        guard let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            return invalid("not a JSON object")
        }
        switch InstanceObject.instance(from: object, defaultID: "line-\(lineNumber)") {
        case .success(let instance): return .instance(instance)
        case .failure(let problem): return invalid(problem.message)
        }
    }

    private func invalid(_ line: Int, _ message: String) -> DatasetRow {
        .invalid(Diagnostic(file: displayPath, line: line, column: 1, message: message))
    }
}

extension LoadedPipeline {
    /// A reader of the pipeline's dataset file, to hand to a `Runner` or `Profiler`.
    ///
    /// ```swift
    /// let runner = Runner(pipeline: pipeline, dataset: pipeline.datasetReader, connector: connector, store: store, observer: observer)
    /// ```
    public var datasetReader: DatasetReader { DatasetReader(url: spec.dataset) }
}
