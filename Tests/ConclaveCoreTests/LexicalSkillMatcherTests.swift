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
}
