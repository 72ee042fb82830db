/// How often one term occurs in one text.
public struct TermCount: Sendable, Hashable {
    /// The term's id in the `TermCounter` that counted it.
    public var term: Int32
    public var count: Int32

    public init(term: Int32, count: Int32) {
        self.term = term
        self.count = count
    }
}

/// Counts the terms of texts, giving each distinct term an id: the lower-cased words of two or more
/// letters or digits, and each pair of adjacent such words ("solve equation" from "Solve the equation"
/// would need them adjacent). The same counter gives the same term the same id in every text.
///
/// ```swift
/// var counter = TermCounter()
/// counter.counts(of: "Solve for x: solve it")   // solve ×2, for, it, "solve for", "for solve", "solve it"
/// ```
public struct TermCounter: Sendable {
    fileprivate var ids: [String: Int32] = [:]

    public init() {}

    /// How many distinct terms the counter has seen.
    public var termCount: Int { ids.count }

    /// The text's terms with their counts, ordered by term id.
    public mutating func counts(of text: String) -> [TermCount] {
        Self.tally(text) { id($0) }
    }

    /// The counts of the text's words and adjacent word pairs under `id` (nil leaves a term out).
    fileprivate static func tally(_ text: String, id: (String) -> Int32?) -> [TermCount] {
        let words = words(text)
        var counts: [Int32: Int32] = [:]
        for (index, word) in words.enumerated() {
            if let term = id(word) { counts[term, default: 0] += 1 }
            if index > 0, let term = id(words[index - 1] + " " + word) { counts[term, default: 0] += 1 }
        }
        return counts.map { TermCount(term: $0.key, count: $0.value) }.sorted { $0.term < $1.term }
    }

    private mutating func id(_ term: String) -> Int32 {
        if let id = ids[term] { return id }
        let id = Int32(ids.count)
        ids[term] = id
        return id
    }

    /// Lower-cased runs of letters and digits, two characters or longer.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.filter { $0.count >= 2 }.map(String.init)
    }
}

extension TermCounter {
    /// The text's terms that the counter has already seen, with their counts, ordered by term id; new
    /// terms are left out and the counter is not changed (for questions asked after a fit).
    public func knownCounts(of text: String) -> [TermCount] {
        Self.tally(text) { ids[$0] }
    }
}
