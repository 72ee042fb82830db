import Testing

@testable import ConclaveCore

/// `NameIndex` finds what a `[String: Int]` of the same names finds, first position winning, Unicode
/// equivalence included.
@Suite struct NameIndexTests {
    @Test func findsEachNameAtItsFirstPosition() {
        let names = ["algebra", "geometry", "algebra", "", "a;", "probability and statistics", "x"]
        let index = NameIndex(names)
        for (position, name) in names.enumerated() where names.firstIndex(of: name) == position {
            #expect(index[name] == position)
        }
        #expect(index["biology"] == nil)
        #expect(index["algebr"] == nil)
        #expect(index["algebras"] == nil)
        // GREEK QUESTION MARK is canonically ";", so Swift holds these names equal.
        #expect(index["a\u{37E}"] == 4)
    }

    @Test func unicodeNamesMatchTheirCanonicalEquivalents() {
        let index = NameIndex(["café", "straße", "ok"])
        #expect(index["cafe\u{301}"] == 0)
        #expect(index["straße"] == 1)
        #expect(index["ok"] == 2)
        #expect(index["cafe"] == nil)
    }

    /// Many names: every one found, none confused, on a table that must probe past collisions.
    @Test func manyNames() {
        let names = (0..<5_000).map { "skill-\($0 * 7919 % 10_007)" }
        let index = NameIndex(names)
        let reference = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for name in names + ["skill-x", "skill-10008", "Skill-1"] { #expect(index[name] == reference[name]) }
    }
}
