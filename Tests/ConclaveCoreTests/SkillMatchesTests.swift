import ConclaveTesting
import Foundation
import Testing

@testable import ConclaveCore

/// Matches held as packed phrase indices read, filter, append, compare, hash and encode as the same
/// matches held as an array; lists that do not pack are held as arrays; and a decision's packed skills
/// are the matcher's matches.
@Suite struct SkillMatchesTests {
    private let table = (0..<20).map { LexicalSkillMatcher.SkillMatch(skill: "skill\($0 % 7)", term: "term \($0)") }

    private func packed(_ phrases: [Int32]) -> SkillMatches? {
        phrases.withUnsafeBufferPointer { SkillMatches(phrases: $0, table: table) }
    }

    @Test func packedMatchesReadAsTheirPhrases() throws {
        let phrases: [Int32] = [3, 19, 0, 7, 12, 5, 4, 18, 1, 9]
        let matches = try #require(packed(phrases))
        #expect(Array(matches) == phrases.map { table[Int($0)] })
        #expect(matches.count == 10 && matches[5] == table[5])
        #expect(try #require(packed([])).isEmpty)
    }

    @Test func listsThatDoNotPackAreRefused() {
        #expect(packed(Array(repeating: 1, count: SkillMatches.packedCapacity + 1)) == nil)
        #expect(packed([-1]) == nil)
        let wide = Array(repeating: LexicalSkillMatcher.SkillMatch(skill: "s", term: "t"), count: SkillMatches.packedPhrases + 1)
        let last = [Int32(SkillMatches.packedPhrases)]
        #expect(last.withUnsafeBufferPointer { SkillMatches(phrases: $0, table: wide) } == nil)
    }

    @Test func bothFormsCompareHashAndEncodeAlike() throws {
        let phrases: [Int32] = [2, 11, 6]
        let fresh = try #require(packed(phrases))
        let listed = SkillMatches(phrases.map { table[Int($0)] })
        #expect(fresh == listed && fresh.hashValue == listed.hashValue)
        #expect(fresh != SkillMatches(Array(listed.reversed())))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(fresh)
        #expect(encoded == (try encoder.encode(Array(listed))))
        #expect(try JSONDecoder().decode(SkillMatches.self, from: encoded) == fresh)
    }

    @Test func filteringKeepsTheOrderInBothForms() throws {
        let phrases: [Int32] = [4, 8, 15, 16, 0, 2]
        let keep = { (offset: Int) in offset % 2 == 0 }
        let expected = [4, 15, 0].map { table[$0] }
        #expect(Array(try #require(packed(phrases)).filter(offsets: keep)) == expected)
        #expect(Array(SkillMatches(phrases.map { table[Int($0)] }).filter(offsets: keep)) == expected)
    }

    @Test func appendingAsksEachOffsetOnceAndFallsBackToAnArray() throws {
        let first = try #require(packed([1, 2, 3]))
        for (more, kept) in [([Int32]([4, 5, 6]), 3), (Array(0..<Int32(9)), 9)] {
            var asked: [Int] = []
            let joined = first.appending(try #require(packed(more))) { offset in
                asked.append(offset)
                return true
            }
            #expect(asked == Array(0..<more.count))
            #expect(Array(joined) == ([1, 2, 3] + more.prefix(kept)).map { table[Int($0)] })
        }
        // Offsets the closure refuses are left out; an array on either side gives an array.
        let listed = SkillMatches([table[9]])
        #expect(Array(first.appending(listed) { _ in false }) == [1, 2, 3].map { table[$0] })
        #expect(Array(listed.appending(first) { $0 != 1 }) == [9, 1, 3].map { table[$0] })
    }

    @Test func longerListsKeepTheirPhraseIndices() {
        let phrases = Array(0..<Int32(15))
        let long = phrases.withUnsafeBufferPointer { SkillMatches.packedOrListed($0, table: table) }
        #expect(Array(long) == phrases.map { table[Int($0)] })
        #expect(long.indices.map { long.phraseIndex(at: $0) } == phrases.map { Int($0) })
        let odd = long.filter { $0 % 2 == 1 }
        #expect(odd.indices.map { odd.phraseIndex(at: $0) } == phrases.filter { $0 % 2 == 1 }.map { Int($0) })
        let joined = long.appending(long) { $0 < 2 }
        #expect(joined.indices.map { joined.phraseIndex(at: $0) } == (phrases + [0, 1]).map { Int($0) })
        #expect(SkillMatches([table[0]]).phraseIndex(at: 0) == nil)
    }

    /// A question with more skills than pack is decided as the same skills given by name are.
    @Test func skillsHeldAsPhraseIndicesDecideAsNamedSkills() {
        let names = (0..<14).map { "topic\($0)" }
        let skills = names.map { Skill(name: $0, domain: "d") }
        let experts = (0..<4).map { expert in
            Fixtures.expert(
                "e\(expert)",
                skills: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double(($0 * 7 + expert * 3) % 11)) })
            )
        }
        let registry = Registry(experts: experts, skills: skills, roles: [Role(name: "r", domain: "d", instructions: "", skills: names)])
        let maker = DecisionMaker(registry: registry, k: 2, strategy: .symbolic, aggregator: "e0", seed: 3)
        let question = Instance(id: "q", text: names.reversed().joined(separator: " and "))
        let fresh = maker.decide(for: question)
        #expect(fresh.skills.count == 14 && fresh.skills.phraseIndex(at: 0) != nil)
        #expect(fresh == maker.decide(for: question, skills: Array(fresh.skills)))
    }

    @Test func aDecisionsSkillsAreTheMatchersMatches() throws {
        let registry = Registry(experts: [Fixtures.expert("math", skills: ["algebra": 3])], skills: Fixtures.skills, roles: [])
        let maker = DecisionMaker(registry: registry, k: 1, strategy: .topK, aggregator: "math", seed: 1)
        let question = Instance(id: "q", text: "Solve the equation; photosynthesis and triangles follow.")
        let decision = maker.decide(for: question)
        #expect(Array(decision.skills) == maker.matcher.match(question.text))
        #expect(decision.skills.map(\.skill) == ["algebra", "biology", "geometry"])
        let decoded = try JSONDecoder().decode(Decision.self, from: try JSONEncoder().encode(decision))
        #expect(decoded == decision)
    }
}
