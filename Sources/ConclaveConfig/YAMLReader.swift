import ConclaveCore
import Foundation
import Yams

/// Reads one YAML file into nodes and records every problem with its position: syntax errors, unknown keys
/// (with a suggestion), missing fields and wrong types.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var text = ""
    /// The last line of `text` and the column after its last character, once a report needs them.
    private var end: (line: Int, column: Int)?

    init(file: String) { self.file = file }

    /// The document's root node, or nil (with a diagnostic) when the text is not valid YAML.
    func parse(_ text: String) -> Node? {
        self.text = text
        do {
            // A document of nothing but comments and markers (`---`) is an empty null scalar.
            guard let node = try Yams.compose(yaml: text), node.null == nil || node.scalar?.string.isEmpty == false else {
                report(line: 1, column: 1, "the file is empty")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                let plain = problem.hasPrefix("Maximum nesting level reached") ? "lists or mappings nested too deeply" : problem
                report(line: mark.line, column: mark.column, "YAML syntax error: \(plain)")
            default:
                report(line: 1, column: 1, "YAML error: \(error)")
            }
        } catch {
            report(line: 1, column: 1, "YAML error: \(error)")
        }
        return nil
    }

    func report(_ node: Node?, _ message: String) {
        report(line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message)
    }

    /// At the end of a file without a final newline libyaml may point one line past it: such a position moves
    /// back to the end of the last line.
    func report(line: Int, column: Int, _ message: String) {
        if end == nil, line > 1 { end = TextLines.end(of: text) }
        let (line, column) = if let end, line > end.line { end } else { (line, column) }
        diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message))
    }

    /// The fields of a mapping node, after reporting keys outside `allowed` and keys given twice.
    func fields(_ node: Node, of what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        var misspelled: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.string else {
                report(key, "keys of \(what) must be strings")
                continue
            }
            if entries[name] != nil {
                report(key, "duplicate key \(Diagnostic.quoted(name)) in \(what)")
            } else if !allowed.contains(name) {
                report(key, "unknown key \(Diagnostic.quoted(name)) in \(what)" + Self.suggestion(for: name, among: allowed))
                if let intended = Self.closest(to: name, among: allowed) { misspelled.insert(intended) }
            } else {
                entries[name] = (key, value)
            }
        }
        return Fields(reader: self, node: node, what: what, entries: entries, misspelled: misspelled)
    }

    /// ` (did you mean 'x'?)` when a known name is within a small edit distance of `name`.
    static func suggestion(for name: String, among names: [String]) -> String {
        if let best = closest(to: name, among: names) { return " (did you mean '\(best)'?)" }
        var seen: Set<String> = []
        let known = names.filter { seen.insert($0).inserted }
        return known.isEmpty ? "" : " (expected one of: \(known.joined(separator: ", ")))"
    }

    /// The known name within a small edit distance of `name`, if any.
    static func closest(to name: String, among names: [String]) -> String? {
        let limit = max(2, name.count / 3)
        // A length difference past the limit is already too far: a long garbage key costs no distance table.
        let scored = names.filter { abs($0.count - name.count) <= limit }.map { ($0, EditDistance.between(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }
}

/// The present keys of one mapping, with typed accessors that report missing fields and wrong types.
struct Fields {
    let reader: YAMLReader
    let node: Node
    let what: String
    let entries: [String: (key: Node, value: Node)]
    /// Fields that an unknown key was probably meant to be; already reported, so not reported missing.
    let misspelled: Set<String>

    func value(_ key: String, required: Bool = true) -> Node? {
        if let entry = entries[key] { return entry.value }
        if required, !misspelled.contains(key) { reader.report(node, "missing field '\(key)' in \(what)") }
        return nil
    }

    func keyNode(_ key: String) -> Node? { entries[key]?.key }

    func string(_ key: String, required: Bool = true) -> String? { named(key, required: required)?.name }

    /// A non-empty string with the node it was read from, for names that other files refer to.
    func named(_ key: String, required: Bool = true) -> (name: String, node: Node)? {
        guard let node = value(key, required: required) else { return nil }
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            reader.report(node, "field '\(key)' of \(what) must be a non-empty string")
            return nil
        }
        return (scalar.string, node)
    }

    /// A finite number within `range`: the range check also turns away YAML's `.inf` and `.nan`.
    func double(_ key: String, required: Bool = true, in range: ClosedRange<Double>) -> Double? {
        number(key, required: required, range: range, allowed: NumberRange.describe(range), kind: "a number", parse: Self.double)
    }

    func int(_ key: String, required: Bool = true, in range: ClosedRange<Int>) -> Int? {
        number(key, required: required, range: range, allowed: NumberRange.describe(range), kind: "an integer", parse: Self.integer)
    }

    /// A YAML integer. Yams reads `1:30` as base 60 and traps when that overflows, so such a scalar is no integer here.
    static func integer(_ node: Node) -> Int? {
        guard let text = node.scalar?.string, !text.contains(":") else { return nil }
        return node.int
    }

    /// A YAML number, possibly `.inf` or `.nan`: callers check it against a range.
    static func double(_ node: Node) -> Double? { node.float ?? integer(node).map(Double.init) }

    /// A scalar parsed by `parse`, reported as not `kind` when it does not parse, or as not `allowed` when
    /// outside `range`.
    private func number<Value: Comparable>(
        _ key: String,
        required: Bool,
        range: ClosedRange<Value>,
        allowed: String,
        kind: String,
        parse: (Node) -> Value?
    ) -> Value? {
        guard let node = value(key, required: required) else { return nil }
        guard let number = parse(node) else {
            reader.report(node, "field '\(key)' of \(what) must be \(kind), got \(Diagnostic.quoted(node.string ?? "a collection"))")
            return nil
        }
        guard range.contains(number) else {
            reader.report(node, "field '\(key)' of \(what) must be \(allowed), got \(Diagnostic.quoted(node.string ?? "\(number)"))")
            return nil
        }
        return number
    }

    func strings(_ key: String) -> [(String, Node)] {
        guard let node = value(key, required: false) else { return [] }
        guard case .sequence(let sequence) = node else {
            reader.report(node, "field '\(key)' of \(what) must be a list of strings")
            return []
        }
        return sequence.compactMap { item in
            guard case .scalar(let scalar) = item else {
                reader.report(item, "items of '\(key)' in \(what) must be strings")
                return nil
            }
            return (scalar.string, item)
        }
    }

    func list(_ key: String, required: Bool = true) -> [Node] {
        guard let node = value(key, required: required) else { return [] }
        guard case .sequence(let sequence) = node else {
            reader.report(node, "field '\(key)' of \(what) must be a list")
            return []
        }
        return Array(sequence)
    }

    func nested(_ key: String, allowed: [String], required: Bool = true) -> Fields? {
        value(key, required: required).flatMap { reader.fields($0, of: "'\(key)'", allowed: allowed) }
    }

    /// A mapping of names to numbers within `range` (whole numbers only when `integral`), such as a profile's
    /// skill scores; each name keeps its key node.
    func numberMap(_ key: String, range: ClosedRange<Double>, integral: Bool = false) -> [(name: String, value: Double, node: Node)] {
        guard let node = value(key, required: false) else { return [] }
        guard case .mapping(let mapping) = node else {
            reader.report(node, "field '\(key)' of \(what) must be a mapping of names to numbers")
            return []
        }
        let kind = integral ? "a whole number" : "a number"
        return mapping.compactMap { name, value in
            guard let text = name.string else {
                reader.report(name, "names in '\(key)' must be strings")
                return nil
            }
            guard let number = Self.double(value), range.contains(number), !integral || number.rounded() == number else {
                reader.report(
                    value,
                    "score of \(Diagnostic.quoted(text)) in '\(key)' must be \(kind) \(NumberRange.describe(range)), got \(Diagnostic.quoted(value.string ?? "a collection"))"
                )
                return nil
            }
            return (text, number, name)
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
