import ConclaveCore

/// Mines skill terms from a set of training questions, for offline evaluation without an extractor
/// model: words (lower-cased, lightly stemmed, at least three letters, not a stop word) that occur in at
/// least `minimumCount` questions and in at most `maximumShare` of them. Each becomes a `Skill` of the
/// domain `mined`, matched like any registry skill.
///
/// ```swift
/// let terms = TermMiner(minimumCount: 20).skills(from: questions, excluding: registry.skills)
/// let matcher = LexicalSkillMatcher(skills: registry.skills + terms)
/// ```
public struct TermMiner: Sendable {
    public var minimumCount: Int
    public var maximumShare: Double

    public init(minimumCount: Int = 20, maximumShare: Double = 0.5) {
        self.minimumCount = minimumCount
        self.maximumShare = maximumShare
    }

    /// The mined skills, sorted by name; terms already naming or aliasing a registry skill are left out.
    public func skills(from questions: [String], excluding known: [Skill] = []) -> [Skill] {
        var documents: [String: Int] = [:]
        for question in questions {
            for word in Set(LexicalSkillMatcher.tokens(question)) where Self.isTerm(word) { documents[word, default: 0] += 1 }
        }
        let taken = Set(known.flatMap { [$0.name] + $0.aliases }.map { LexicalSkillMatcher.tokens($0).joined(separator: " ") })
        let ceiling = maximumShare * Double(questions.count)
        return documents.filter { $0.value >= minimumCount && Double($0.value) <= ceiling && !taken.contains($0.key) }
            .keys.sorted().map { Skill(name: $0, domain: "mined") }
    }

    static func isTerm(_ word: String) -> Bool {
        word.count >= 3 && word.contains(where: \.isLetter) && !stopWords.contains(word)
    }

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "was", "were", "been", "being", "with", "that", "this", "these", "those", "which",
        "what", "who", "whom", "whose", "when", "where", "why", "how", "from", "into", "than", "then", "there",
        "their", "they", "them", "not", "but", "can", "could", "would", "should", "will", "shall", "may", "might",
        "must", "has", "have", "had", "you", "your", "our", "his", "her", "its", "she", "him", "one", "all", "any",
        "each", "other", "some", "such", "only", "also", "about", "after", "before", "between", "does", "did",
        "doe", "over", "under", "out", "more", "most", "very", "following", "answer", "question", "use", "used",
    ]
}
