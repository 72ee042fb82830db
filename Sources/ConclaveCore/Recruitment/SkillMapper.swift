import Foundation

/// How one keyword from the extractor model was mapped to the registry vocabulary, kept in the decision.
public struct KeywordMapping: Sendable, Hashable, Codable {
    /// Which step of the mapping matched, in the order they are tried.
    public enum Method: String, Sendable, Hashable, Codable {
        /// The keyword is a skill's name or alias (after lower-casing and light stemming).
        case alias
        /// The keyword contains a vocabulary term as whole words, or is spelled much like one.
        case lexical
        /// The keyword's embedding is close enough (cosine) to a vocabulary term's.
        case embedding
        /// Nothing matched: the keyword stays in the decision, unmapped.
        case unmapped
    }

    public var keyword: String
    public var skill: String?
    /// The vocabulary term (skill name or alias) it matched.
    public var term: String?
    public var method: Method
    /// 1 for an alias; the lexical or cosine similarity otherwise; 0 when unmapped.
    public var similarity: Double

    public init(keyword: String, skill: String?, term: String?, method: Method, similarity: Double) {
        self.keyword = keyword
        self.skill = skill
        self.term = term
        self.method = method
        self.similarity = similarity
    }
}

/// Maps extracted keywords to the registry vocabulary, trying in order: exact alias (or name), then
/// normalised lexical similarity, then, when an embedding endpoint is configured, embedding cosine.
/// Lexical similarity is 1 when the keyword contains a term as whole words, else the Dice coefficient of
/// their character bigrams; it must reach `lexicalThreshold`. The embedding step needs vectors, which the
/// engine fetches, so it is a separate call.
///
/// ```swift
/// let mapper = SkillMapper(skills: registry.skills)
/// mapper.map("linear equations")   // lexical → algebra (via "equation")
/// mapper.map(keyword, vector: v, termVectors: vectors)  // the embedding step for what is still unmapped
/// ```
public struct SkillMapper: Sendable {
    /// One vocabulary term: a skill's name or one of its aliases.
    public struct Term: Sendable, Hashable {
        public var text: String
        public var skill: String
        let tokens: [String]
    }

    public let terms: [Term]
    public var lexicalThreshold: Double
    public var embeddingThreshold: Double
    private let byTokens: [[String]: Int]

    public init(skills: [Skill], lexicalThreshold: Double = 0.8, embeddingThreshold: Double = 0.6) {
        var terms: [Term] = []
        for skill in skills {
            for text in [skill.name] + skill.aliases {
                terms.append(Term(text: text, skill: skill.name, tokens: LexicalSkillMatcher.tokens(text)))
            }
        }
        self.terms = terms
        self.lexicalThreshold = lexicalThreshold
        self.embeddingThreshold = embeddingThreshold
        byTokens = Dictionary(terms.enumerated().map { ($1.tokens, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The alias and lexical steps; `.unmapped` when neither matches (the embedding step may still).
    public func map(_ keyword: String) -> KeywordMapping {
        let tokens = LexicalSkillMatcher.tokens(keyword)
        if let index = byTokens[tokens] {
            return KeywordMapping(keyword: keyword, skill: terms[index].skill, term: terms[index].text, method: .alias, similarity: 1)
        }
        var best: (index: Int, similarity: Double)?
        let joined = tokens.joined(separator: " ")
        for (index, term) in terms.enumerated() {
            let similarity = Self.contains(tokens, term.tokens) ? 1 : Self.dice(joined, term.tokens.joined(separator: " "))
            if similarity >= lexicalThreshold, similarity > (best?.similarity ?? 0) { best = (index, similarity) }
        }
        guard let best else { return KeywordMapping(keyword: keyword, skill: nil, term: nil, method: .unmapped, similarity: 0) }
        return KeywordMapping(
            keyword: keyword,
            skill: terms[best.index].skill,
            term: terms[best.index].text,
            method: .lexical,
            similarity: best.similarity
        )
    }

    /// The embedding step for a keyword the first two steps left unmapped: the term with the highest cosine
    /// similarity, if it reaches `embeddingThreshold`. `termVectors` are in the order of `terms`.
    public func map(_ keyword: String, vector: [Double], termVectors: [[Double]]) -> KeywordMapping {
        var best: (index: Int, similarity: Double)?
        for (index, termVector) in termVectors.enumerated() {
            let similarity = Self.cosine(vector, termVector)
            if similarity >= embeddingThreshold, similarity > (best?.similarity ?? -1) { best = (index, similarity) }
        }
        guard let best else { return KeywordMapping(keyword: keyword, skill: nil, term: nil, method: .unmapped, similarity: 0) }
        return KeywordMapping(
            keyword: keyword,
            skill: terms[best.index].skill,
            term: terms[best.index].text,
            method: .embedding,
            similarity: best.similarity
        )
    }

    /// The decision's skills from the mappings: each mapped skill once, in keyword order, with the keyword
    /// that revealed it.
    public static func skills(from mappings: [KeywordMapping]) -> [LexicalSkillMatcher.SkillMatch] {
        var seen: Set<String> = []
        return mappings.compactMap { mapping in
            guard let skill = mapping.skill, seen.insert(skill).inserted else { return nil }
            return LexicalSkillMatcher.SkillMatch(skill: skill, term: mapping.keyword)
        }
    }

    static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, phrase.count <= words.count else { return false }
        return (0...(words.count - phrase.count)).contains { Array(words[$0..<$0 + phrase.count]) == phrase }
    }

    /// The Dice coefficient of two strings' character bigrams (1 for equal strings, 0 for nothing shared).
    static func dice(_ a: String, _ b: String) -> Double {
        func bigrams(_ text: String) -> [String: Int] {
            let characters = Array(text)
            guard characters.count > 1 else { return [:] }
            var counts: [String: Int] = [:]
            for index in 0..<(characters.count - 1) { counts[String(characters[index...index + 1]), default: 0] += 1 }
            return counts
        }
        let (x, y) = (bigrams(a), bigrams(b))
        let total = x.values.reduce(0, +) + y.values.reduce(0, +)
        guard total > 0 else { return a == b ? 1 : 0 }
        let shared = x.reduce(0) { $0 + min($1.value, y[$1.key] ?? 0) }
        return 2 * Double(shared) / Double(total)
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot = 0.0
        var normA = 0.0
        var normB = 0.0
        for index in a.indices {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        return normA > 0 && normB > 0 ? dot / (normA * normB).squareRoot() : 0
    }
}

/// What the extractor model said about one instance text and what became of it: the raw answers of every
/// sample, and each consistent keyword with its mapping. Cached per instance text.
public struct SkillExtraction: Sendable, Hashable, Codable {
    public var samples: [String]
    public var keywords: [KeywordMapping]

    public init(samples: [String], keywords: [KeywordMapping]) {
        self.samples = samples
        self.keywords = keywords
    }

    /// The keywords no step could map, kept in the decision.
    public var unmapped: [String] { keywords.filter { $0.method == .unmapped }.map(\.keyword) }
}
