import ConclaveConfig
import ConclaveCore
import Foundation

/// Reads an outcome matrix: a JSONL file with one question per line (`{"id", "question", "scores":
/// {model: 0…1}}`) and a JSON file of model prices (`{model: {"input_price_per_mtok", "output_price_per_mtok"}}`),
/// the shape of `routing/train.jsonl` and `routing/models.json`. Lines that cannot be used are reported
/// with their line number and skipped; a model without a price, no models, or no usable row is an error
/// naming the file.
///
/// ```swift
/// let read = try OutcomeFile.read(outcomes: URL(fileURLWithPath: "train.jsonl"), models: URL(fileURLWithPath: "models.json"))
/// read.matrix.rows.count; read.skipped  // [Diagnostic]
/// ```
public enum OutcomeFile {
    public static func read(outcomes: URL, models: URL) throws -> (matrix: OutcomeMatrix, skipped: [Diagnostic]) {
        let priced = try readModels(models)
        guard FileManager.default.isReadableFile(atPath: outcomes.path) else {
            throw ConfigurationError([Diagnostic(file: outcomes.path, line: 1, column: 1, message: "cannot read the file")])
        }
        let names = priced.map(\.name)
        let column = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var rows: [OutcomeMatrix.Row] = []
        var skipped: [Diagnostic] = []
        var unpriced: [String: Int] = [:]
        var lines = try LineReader(url: outcomes)
        while let (number, bytes) = try lines.nextLine() {
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            func skip(_ message: String) { skipped.append(Diagnostic(file: outcomes.path, line: number, column: 1, message: message)) }
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
            var scores = [Double](repeating: .nan, count: names.count)
            for (model, value) in given {
                guard let index = column[model] else {
                    unpriced[model] = unpriced[model] ?? number
                    continue
                }
                if let number = value as? NSNumber, (0...1).contains(number.doubleValue) { scores[index] = number.doubleValue }
            }
            if let missing = scores.indices.first(where: { scores[$0].isNaN }) {
                skip("no score between 0 and 1 for model '\(names[missing])'")
                continue
            }
            let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? "line-\(number)"
            rows.append(OutcomeMatrix.Row(id: id, question: question, scores: scores))
        }
        if let (model, line) = unpriced.min(by: { $0.value < $1.value }) {
            throw ConfigurationError([
                Diagnostic(
                    file: outcomes.path,
                    line: line,
                    column: 1,
                    message: "model '\(model)' has scores but no price in \(models.path)"
                )
            ])
        }
        guard !rows.isEmpty else {
            let why = skipped.isEmpty ? "no rows: the file is empty" : "no usable rows: every line was skipped"
            throw ConfigurationError(skipped + [Diagnostic(file: outcomes.path, line: 1, column: 1, message: why)])
        }
        return (OutcomeMatrix(models: priced, rows: rows), skipped)
    }

    static func readModels(_ url: URL) throws -> [OutcomeMatrix.Model] {
        func problem(_ message: String) -> ConfigurationError {
            ConfigurationError([Diagnostic(file: url.path, line: 1, column: 1, message: message)])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] else {
            throw problem(FileManager.default.isReadableFile(atPath: url.path) ? "expected a JSON object of models" : "cannot read the file")
        }
        guard !object.isEmpty else { throw problem("no models: expected {model: {input_price_per_mtok, output_price_per_mtok}, …}") }
        return try object.keys.sorted().map { name in
            guard let fields = object[name] as? [String: Any],
                let input = (fields["input_price_per_mtok"] as? NSNumber)?.doubleValue,
                let output = (fields["output_price_per_mtok"] as? NSNumber)?.doubleValue
            else {
                throw problem("model '\(name)' needs numbers 'input_price_per_mtok' and 'output_price_per_mtok'")
            }
            return OutcomeMatrix.Model(name: name, price: Price(inputPerMillion: input, outputPerMillion: output))
        }
    }
}
