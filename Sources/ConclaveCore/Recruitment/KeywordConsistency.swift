import Foundation

/// Keeps the keywords an extractor model gives consistently (Symbolic-MoE): the model is asked n times for
/// 2–5 keywords; a keyword counts once per answer it appears in, and only those in at least `minimumCount`
/// answers and at most `maximumLength` characters are kept, most frequent first (ties in order of first
/// appearance).
///
/// ```swift
/// let filter = KeywordConsistency()
/// filter.keep(["Algebra, equations", "algebra; linear equations", "1. Algebra\n2. Equations"])
/// // ["algebra", "equations"]
/// ```
public struct KeywordConsistency: Sendable {
    public var minimumCount: Int
    public var maximumLength: Int

    public init(minimumCount: Int = 2, maximumLength: Int = 20) {
        self.minimumCount = minimumCount
        self.maximumLength = maximumLength
    }

    public func keep(_ samples: [String]) -> [String] {
        // Keywords are counted by their stemmed words ("Linear Equations" = "linear equation") and shown as
        // first written.
        var counts: [String: Int] = [:]
        var shown: [String: String] = [:]
        var order: [String] = []
        for sample in samples {
            var seen: Set<String> = []
            for keyword in Self.keywords(in: sample) {
                let key = LexicalSkillMatcher.tokens(keyword).joined(separator: " ")
                guard seen.insert(key).inserted else { continue }
                if counts[key] == nil {
                    order.append(key)
                    shown[key] = keyword
                }
                counts[key, default: 0] += 1
            }
        }
        let kept = order.filter { counts[$0]! >= minimumCount && shown[$0]!.count <= maximumLength }
        // A stable sort: equal counts keep their order of first appearance.
        return kept.enumerated().sorted { first, second in
            let (a, b) = (counts[first.element]!, counts[second.element]!)
            return a != b ? a > b : first.offset < second.offset
        }.map { shown[$0.element]! }
    }

    /// The keywords of one answer: split on commas, semicolons and new lines; list numbering, bullets,
    /// quotes and a "Keywords:" lead-in removed; lower-cased, with single spaces; keywords without a letter
    /// (numbers: answers, not subjects) dropped.
    public static func keywords(in sample: String) -> [String] {
        sample.split { $0 == "," || $0 == ";" || $0.isNewline }.compactMap { part -> String? in
            var text = String(part).lowercased()
            if let colon = text.firstIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
            let words = text.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "'") }
                .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "-'")) }
                .filter { !$0.isEmpty }
            // Drop list numbering ("1.", "2)") left as a lone number in front of the words.
            let kept = words.count > 1 && words[0].allSatisfy(\.isNumber) ? Array(words.dropFirst()) : words
            // A keyword names a subject: one without a letter ("36", "2x3") is an answer, not a skill.
            return kept.contains(where: { $0.contains(where: \.isLetter) }) ? kept.joined(separator: " ") : nil
        }
    }
}
