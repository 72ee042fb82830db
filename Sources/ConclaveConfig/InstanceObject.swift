import ConclaveCore
import Foundation

/// One instance as a JSON object (a dataset line, or an instance of a job submission): `question` (or
/// `text`), optional `id`, `choices` (at most 26 strings), `answer` (or `gold_answer`, a string or a
/// number), and any other string field as metadata.
///
/// ```swift
/// let parsed = InstanceObject.instance(from: ["question": "2 + 2?", "answer": 4], defaultID: "line-1")
/// ```
public enum InstanceObject {
    /// What is wrong with an object, and in which field.
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
        public var field: String
    }

    static let fields = ["id", "question", "text", "choices", "answer", "gold_answer"]

    public static func instance(from object: [String: Any], defaultID: String) -> Result<Instance, Problem> {
        guard let text = (object["question"] ?? object["text"]) as? String, !text.isEmpty else {
            return .failure(Problem(message: "missing string field 'question' (or 'text')", field: "question"))
        }
        let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? defaultID
        var choices: [String] = []
        if let given = object["choices"] {
            guard let list = given as? [String] else {
                return .failure(Problem(message: "field 'choices' must be a list of strings", field: "choices"))
            }
            guard list.count <= Instance.maxChoices else {
                return .failure(
                    Problem(
                        message: "field 'choices' has \(list.count) items; at most \(Instance.maxChoices) are allowed, one per letter A to Z",
                        field: "choices"
                    )
                )
            }
            choices = list
        }
        let goldValue = object["answer"] ?? object["gold_answer"]
        let gold = (goldValue as? String) ?? (goldValue as? NSNumber)?.stringValue
        if goldValue != nil, gold == nil { return .failure(Problem(message: "field 'answer' must be a string or a number", field: "answer")) }
        var metadata: [String: String] = [:]
        for (key, value) in object where !fields.contains(key) {
            if let string = value as? String { metadata[key] = string }
        }
        return .success(Instance(id: id, text: text, choices: choices, gold: gold, metadata: metadata))
    }
}
