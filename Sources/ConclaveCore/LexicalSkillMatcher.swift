/// Finds registry skills in an instance's text by matching skill names and aliases as word n-grams, after
/// lower-casing and light plural stemming. It needs no model, so it serves offline and as the default.
///
/// ```swift
/// let matcher = LexicalSkillMatcher(skills: registry.skills)
/// matcher.match("Solve the equation 2x + 3 = 7")  // [SkillMatch(skill: "algebra", term: "equation")]
/// ```
public struct LexicalSkillMatcher: Sendable {
    /// One skill found in a text, with the vocabulary term that revealed it.
    public struct SkillMatch: Sendable, Hashable, Codable {
        public var skill: String
        public var term: String

        public init(skill: String, term: String) {
            self.skill = skill
            self.term = term
        }
    }

    private var phrases: [[String]: (skill: String, term: String)] = [:]
    private var longestPhrase = 1

    public init(skills: [Skill]) {
        for skill in skills {
            for term in [skill.name] + skill.aliases {
                let tokens = Self.tokens(term)
                guard !tokens.isEmpty, phrases[tokens] == nil else { continue }
                phrases[tokens] = (skill.name, term)
                longestPhrase = max(longestPhrase, tokens.count)
            }
        }
    }

    /// The skills found in `text`, each once, in order of first appearance; longer phrases win over the
    /// shorter ones they contain.
    public func match(_ text: String) -> [SkillMatch] {
        let words = Self.tokens(text)
        var found: [SkillMatch] = []
        var seen: Set<String> = []
        var index = 0
        while index < words.count {
            var advanced = 1
            for length in stride(from: min(longestPhrase, words.count - index), through: 1, by: -1) {
                guard let hit = phrases[Array(words[index..<index + length])] else { continue }
                if seen.insert(hit.skill).inserted { found.append(SkillMatch(skill: hit.skill, term: hit.term)) }
                advanced = length
                break
            }
            index += advanced
        }
        return found
    }

    /// Lower-cased alphanumeric words with a light plural stem (`equations` → `equation`,
    /// `probabilities` → `probability`).
    public static func tokens(_ text: String) -> [String] {
        text.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map { stem(String($0)) }
    }

    static func stem(_ word: String) -> String {
        guard word.count > 3 else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if ["sses", "ches", "shes", "xes"].contains(where: word.hasSuffix) { return String(word.dropLast(2)) }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }
}
