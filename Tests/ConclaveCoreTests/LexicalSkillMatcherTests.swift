import ConclaveTesting
import Testing

@testable import ConclaveCore

@Suite struct LexicalSkillMatcherTests {
    let matcher = LexicalSkillMatcher(skills: Fixtures.skills)

    @Test func matchesNamesAndAliasesInOrderOfAppearance() {
        let matches = matcher.match("What is the area of a triangle whose side is a prime? Then solve for x.")
        #expect(matches.map(\.skill) == ["geometry", "number theory", "algebra"])
        #expect(matches.map(\.term) == ["area", "prime", "solve for x"])
    }

    @Test func stemsPluralsAndIgnoresCaseAndPunctuation() {
        #expect(matcher.match("EQUATIONS, Cells!").map(\.skill) == ["algebra", "biology"])
        #expect(LexicalSkillMatcher.tokens("Probabilities of classes") == ["probability", "of", "class"])
        #expect(LexicalSkillMatcher.tokens("boxes matches gas") == ["box", "match", "gas"])
    }

    @Test func multiWordNamesMatchAsPhrasesNotWords() {
        #expect(matcher.match("number theory is fun").map(\.skill) == ["number theory"])
        #expect(matcher.match("a number of theories").isEmpty)
        #expect(matcher.match("solve it for x").isEmpty)
    }

    @Test func eachSkillOnceAndNothingForUnrelatedText() {
        #expect(matcher.match("cell cell photosynthesis").map(\.skill) == ["biology"])
        #expect(matcher.match("Who painted the Mona Lisa?").isEmpty)
    }

    /// Once every skill of the vocabulary is found, more mentions of them add nothing.
    @Test func everySkillFoundThenMentionedAgain() {
        let matcher = LexicalSkillMatcher(skills: [
            Skill(name: "algebra", domain: "math"), Skill(name: "anatomy", aliases: ["ulna"], domain: "medicine"),
        ])
        #expect(matcher.match("ulna algebra anatomy ulna algebra").map(\.skill) == ["anatomy", "algebra"])
        #expect(matcher.match("algebra").map(\.term) == ["algebra"])
    }

    /// A word found only inside phrases (`of`, `the`) is looked up only right after a word that was: such
    /// a phrase is still found wherever it starts, after a word running over from the last 64 bytes, and
    /// across the question and its choices.
    @Test func wordsFoundOnlyInsidePhrasesAreLookedUpAfterAVocabularyWord() {
        let matcher = LexicalSkillMatcher(skills: [
            Skill(name: "theory of the mind", domain: "psychology"), Skill(name: "algebra", domain: "math"),
        ])
        #expect(matcher.match("the theory of the mind of the mind").map(\.skill) == ["theory of the mind"])
        #expect(matcher.match("of the mind, theory of algebra").map(\.skill) == ["algebra"])
        let padding = String(repeating: "x", count: 55)
        for cut in 0..<12 {
            let text = String(repeating: "a ", count: cut) + padding + " theory of the mind"
            #expect(matcher.match(text).map(\.skill) == ["theory of the mind"], "cut \(cut)")
        }
        #expect(matcher.match("a theory", then: ["of the mind"]).map(\.skill) == ["theory of the mind"])
        #expect(matcher.match("a theory of", then: ["the", "mind"]).map(\.skill) == ["theory of the mind"])
    }

    /// A word is looked up by its first eight bytes and its length, then by the bytes past them: words
    /// that share the first eight bytes with a vocabulary word, words of exactly eight bytes, and words
    /// that end the text (where fewer than eight bytes are left to read) are all told apart.
    @Test func wordsAreToldApartPastTheirFirstEightBytesAndAtTheEndOfTheText() {
        let matcher = LexicalSkillMatcher(skills: [
            Skill(name: "probability", domain: "math"),
            Skill(name: "geometry", aliases: ["triangles"], domain: "math"),
            Skill(name: "anatomy", aliases: ["ulna"], domain: "medicine"),
        ])
        #expect(matcher.match("Probabilistic arguments").isEmpty)
        #expect(matcher.match("Probabilities").map(\.skill) == ["probability"])
        #expect(matcher.match("GEOMETRY").map(\.skill) == ["geometry"])
        #expect(matcher.match("geometrY!").map(\.skill) == ["geometry"])
        #expect(matcher.match("geometric").isEmpty)
        #expect(matcher.match("two triangle").map(\.skill) == ["geometry"])
        #expect(matcher.match("the ulna").map(\.skill) == ["anatomy"])
        #expect(matcher.match("the ulnar").isEmpty)
        #expect(matcher.match("ulna").map(\.skill) == ["anatomy"])
    }

    /// The matcher finds what matching the whole text's tokens word by word finds: the longest phrase at
    /// each word, each skill once, over seeded texts of vocabulary words (phrases' inner words among
    /// them, alone and in phrases), plurals, capitals, non-ASCII words and fillers, in one part or
    /// several, short or past the length read at once.
    /// With a vocabulary that has a non-ASCII word and with one that has none (where a word with a
    /// non-ASCII letter is no vocabulary word without asking the tokenizer).
    @Test(arguments: [true, false]) func findsWhatMatchingTheTokensWordByWordFinds(wideVocabulary: Bool) {
        let skills = [
            Skill(name: "reasoning", aliases: ["which of the following", "logic"], domain: "general"),
            Skill(name: "algebra", aliases: ["solve for x", "equation", "the unknown"], domain: "math"),
            Skill(name: "number theory", aliases: ["prime", "even number"], domain: "math"),
            Skill(name: "chemistry", aliases: ["periodic table", "acid"] + (wideVocabulary ? ["café"] : []), domain: "science"),
            Skill(name: "history", aliases: ["of the empire", "war"], domain: "humanities"),
        ]
        let matcher = LexicalSkillMatcher(skills: skills)
        // The reference: every phrase's tokens, the first declaration of a phrase winning.
        var phrases: [(tokens: [String], match: LexicalSkillMatcher.SkillMatch)] = []
        for skill in skills {
            for term in [skill.name] + skill.aliases {
                let tokens = LexicalSkillMatcher.tokens(term)
                if !phrases.contains(where: { $0.tokens == tokens }) { phrases.append((tokens, .init(skill: skill.name, term: term))) }
            }
        }
        func reference(_ text: String) -> [LexicalSkillMatcher.SkillMatch] {
            let tokens = LexicalSkillMatcher.tokens(text)
            var found: [LexicalSkillMatcher.SkillMatch] = []
            var start = 0
            while start < tokens.count {
                let best = phrases.filter { tokens[start...].starts(with: $0.tokens) }.max { $0.tokens.count < $1.tokens.count }
                guard let best else {
                    start += 1
                    continue
                }
                if !found.contains(where: { $0.skill == best.match.skill }) { found.append(best.match) }
                start += best.tokens.count
            }
            return found
        }
        let pool = [
            "which", "of", "the", "following", "Which", "OF", "solve", "for", "x", "equations", "unknown", "number",
            "numbers", "theory", "theories", "even", "prime", "periodic", "table", "tables", "acids", "café", "Café",
            "empire", "war", "wars", "logic", "is", "a", "42", "naïve", "straße", "fünf", "following,", "x?",
            "10μg", "µ-law", "don’t", "№5", "5°C", "x×y", "ΣΑΣ", "\u{212A}", "e\u{301}", "👍🏽", "a🏽", "İstanbul", "acid…war",
            "Ωprime", "table⁲", "x\u{200D}y", "«war»", "primeΣ", "\u{0600}war", "™acid",
        ]
        let separators = [" ", " ", " ", ", ", ". ", "\n", "-", "  "]
        var rng = SeededGenerator(seed: 2026)
        for _ in 0..<1_500 {
            let length = Int.random(in: 0...(Bool.random(using: &rng) ? 12 : 400), using: &rng)
            var words: [String] = []
            for _ in 0..<length { words.append(pool.randomElement(using: &rng)! + separators.randomElement(using: &rng)!) }
            let cut = Int.random(in: 0...words.count, using: &rng)
            let text = words[..<cut].joined()
            let choices = words[cut...].split(whereSeparator: { _ in Int.random(in: 0..<8, using: &rng) == 0 }).map { $0.joined() }
            let joined = ([text] + choices).joined(separator: " ")
            #expect(matcher.match(text, then: choices) == reference(joined), "\(joined)")
        }
    }
}
