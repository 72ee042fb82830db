import ConclaveCore
import Foundation

/// Fits the `learned` strategy's router on the outcomes a pipeline names: each outcome column is matched
/// to a registry expert by the expert's id, else by its OpenAI-compatible model name; an expert with no
/// column is estimated at 0. Skipped lines are errors here (a pipeline's data must be clean), and so is a
/// file in which no expert of the registry appears.
///
/// ```swift
/// let learned = try LearnedRoutingLoader.fit(spec, registry: registry)   // nil unless strategy is learned
/// ```
enum LearnedRoutingLoader {
    static func fit(_ spec: PipelineSpec, registry: Registry) throws(ConfigurationError) -> LearnedRouting? {
        guard spec.strategy == .learned, let url = spec.learnedOutcomes else { return nil }
        let read: (rows: [RecordedOutcomes.Row], skipped: [Diagnostic])
        do { read = try RecordedOutcomes.read(url) } catch {
            throw ConfigurationError([Diagnostic(file: url.path, line: 1, column: 1, message: "\(error)")])
        }
        guard read.skipped.isEmpty else { throw ConfigurationError(read.skipped) }
        let names = Set(read.rows.flatMap(\.scores.keys))
        let columns = registry.experts.map { expert -> String? in
            if names.contains(expert.id) { return expert.id }
            if case .openAI(_, let model, _) = expert.runtime, names.contains(model) { return model }
            return nil
        }
        guard !read.rows.isEmpty, columns.contains(where: { $0 != nil }) else {
            let known = names.sorted().prefix(10).joined(separator: ", ")
            throw ConfigurationError([
                Diagnostic(
                    file: url.path,
                    line: 1,
                    column: 1,
                    message: read.rows.isEmpty
                        ? "no rows: the file is empty"
                        : "no expert of the registry has outcomes here (by id or model name); the file names: \(known)"
                )
            ])
        }
        let scores = read.rows.map { row in columns.map { column in column.flatMap { row.scores[$0] } ?? 0 } }
        return LearnedRouting(questions: read.rows.map(\.question), scores: scores, neighbors: spec.learnedNeighbors)
    }
}
