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
}
