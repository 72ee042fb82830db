import ConclaveCore
import Foundation

/// Reads recorded outcomes: a JSONL file with one question per line, `{"id", "question", "scores": {name:
/// 0…1}}` (the shape of `routing/train.jsonl`). A line that cannot be used is reported with its line
/// number and skipped; a score outside 0…1 or not a number is left out of its row. The learned recruitment
/// strategy and `eval-routing` both read outcomes through here.
///
/// ```swift
/// let read = try RecordedOutcomes.read(URL(fileURLWithPath: "train.jsonl"))
/// read.rows.first?.scores["qwen2.5-7b-instruct"]   // 1.0
/// ```
public enum RecordedOutcomes {
    /// One usable line.
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var id: String
        public var question: String
        public var scores: [String: Double]
    }

    /// Every usable row and every skipped line; throws when the file cannot be read.
    public static func read(_ url: URL) throws -> (rows: [Row], skipped: [Diagnostic]) {
        var rows: [Row] = []
        var skipped: [Diagnostic] = []
        var lines = try LineReader(url: url)
        while let (number, bytes) = try lines.nextLine() {
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            func skip(_ message: String) { skipped.append(Diagnostic(file: url.path, line: number, column: 1, message: message)) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                skip("not a JSON object")
                continue
            }
            guard let question = object["question"] as? String else {
                skip("missing string field 'question'")
                continue
            }
            guard let given = object["scores"] as? [String: Any] else {
                skip("missing object field 'scores'")
                continue
            }
            var scores: [String: Double] = [:]
            for (name, value) in given {
                if let number = value as? NSNumber, (0...1).contains(number.doubleValue) { scores[name] = number.doubleValue }
            }
            let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? "line-\(number)"
            rows.append(Row(line: number, id: id, question: question, scores: scores))
        }
        return (rows, skipped)
    }
}
