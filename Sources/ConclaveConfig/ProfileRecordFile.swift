import ConclaveCore
import Foundation
import Yams

/// A measured profile as a YAML file, one per expert, named `<expert>.yaml`: what `conclave profile`
/// exports and what a pipeline's `registry.profiles` folder holds. A profile found there replaces the one
/// in the expert's `Agents/` file. `run` is the record's `runID`.
///
/// ```yaml
/// expert: smollm2-generalist
/// version: 2
/// run: profile-20261123-101500-9f3a
/// dataset: /data/mcq/MMLU_Pro_train.jsonl
/// measured_at: 2026-11-23T10:15:00Z
/// questions: 100
/// correct: 21
/// failed_calls: 0
/// profile:
///   skills: { "biology": -13, "physics": -2 }
///   answered: { "biology": 25, "physics": 4 }
///   global_rate: -0.58
///   aggregator_score: 0.3
/// ```
extension ProfileRecord {
    static let yamlKeys = ["expert", "version", "run", "dataset", "measured_at", "questions", "correct", "failed_calls", "profile"]

    /// The file's text: a comment saying where it came from, then the fields, skills sorted by name.
    public var yaml: String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func number(_ value: Double) -> String {
            value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
        }
        func map<Value>(_ values: [String: Value], _ text: (Value) -> String) -> String {
            values.isEmpty ? " {}" : values.sorted { $0.key < $1.key }.map { "\n    \(quoted($0.key)): \(text($0.value))" }.joined()
        }
        var lines = [
            "# Measured by `conclave profile` (version \(version) of \(expert)). A pipeline uses it when its",
            "# `registry.profiles` names this folder; it then replaces the profile in the expert's Agents file.",
            "expert: \(quoted(expert))",
            "version: \(version)",
            "run: \(quoted(runID))",
            "dataset: \(quoted(dataset))",
            "measured_at: \(quoted(ISO8601DateFormatter().string(from: measuredAt)))",
            "questions: \(questions)",
            "correct: \(correct)",
            "failed_calls: \(failedCalls)",
            "profile:",
            "  strength: \(number(profile.strength))",
            "  aggregator_score: \(number(profile.aggregatorScore))",
        ]
        if let rate = profile.globalRate { lines.append("  global_rate: \(number(rate))") }
        lines.append("  skills:" + map(profile.skills, number))
        lines.append("  answered:" + map(profile.answered) { String($0) })
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether a parsed file is a measured profile rather than a pipeline: it names an expert, not a pipeline.
    static func isFile(_ root: Node) -> Bool {
        guard case .mapping(let mapping) = root else { return false }
        let keys = Set(mapping.keys.compactMap(\.string))
        return keys.contains("expert") && !keys.contains("name")
    }

    /// Reads the file, reporting problems to `reader`; nil when a required field is broken. The skill names
    /// come back with their nodes for checking against the vocabulary.
    static func read(_ root: Node, reader: YAMLReader) -> (record: ProfileRecord, expertNode: Node, skillReferences: [(name: String, node: Node)])? {
        guard let fields = reader.fields(root, of: "measured profile", allowed: yamlKeys),
            let expert = fields.named("expert"), let given = fields.nested("profile", allowed: ProfileFields.keys)
        else { return nil }
        let (profile, references) = ProfileFields.read(given)
        let measuredAt =
            fields.string("measured_at", required: false).flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date(timeIntervalSince1970: 0)
        let record = ProfileRecord(
            expert: expert.name,
            version: fields.int("version", required: false, in: Limits.version) ?? 1,
            runID: fields.string("run", required: false) ?? "",
            dataset: fields.string("dataset", required: false) ?? "",
            measuredAt: measuredAt,
            questions: fields.int("questions", required: false, in: Limits.count) ?? 0,
            correct: fields.int("correct", required: false, in: Limits.count) ?? 0,
            failedCalls: fields.int("failed_calls", required: false, in: Limits.count) ?? 0,
            profile: profile
        )
        return (record, expert.node, references)
    }
}
