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
        var unpriced: [String: Int] = [:]
        let read = try RecordedOutcomes.read(outcomes)
        var skipped = read.skipped
        for row in read.rows {
            for name in row.scores.keys where column[name] == nil { unpriced[name] = unpriced[name] ?? row.line }
            guard let missing = names.first(where: { row.scores[$0] == nil }) else {
                rows.append(OutcomeMatrix.Row(id: row.id, question: row.question, scores: names.map { row.scores[$0] ?? 0 }))
                continue
            }
            skipped.append(Diagnostic(file: outcomes.path, line: row.line, column: 1, message: "no score between 0 and 1 for model '\(missing)'"))
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
