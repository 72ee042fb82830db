import ConclaveTesting
import Foundation
import Testing

@testable import ConclaveCore
@testable import ConclaveEvaluation

/// The byte-level matcher against the plain definition it replaces: tokenize the whole text with
/// `LexicalSkillMatcher.tokens`, then take the longest phrase at each word.
@Suite struct LexicalMatcherEquivalenceTests {
    /// The definition, written the simple way.
    struct Reference {
        var phrases: [[String]: LexicalSkillMatcher.SkillMatch] = [:]
        var longest = 1

        init(skills: [Skill]) {
            for skill in skills {
                for term in [skill.name] + skill.aliases {
                    let tokens = LexicalSkillMatcher.tokens(term)
                    guard !tokens.isEmpty, phrases[tokens] == nil else { continue }
                    phrases[tokens] = .init(skill: skill.name, term: term)
                    longest = max(longest, tokens.count)
                }
            }
        }

        func match(_ text: String) -> [LexicalSkillMatcher.SkillMatch] {
            let words = LexicalSkillMatcher.tokens(text)
            var found: [LexicalSkillMatcher.SkillMatch] = []
            var index = 0
            while index < words.count {
                var advanced = 1
                for length in stride(from: min(longest, words.count - index), through: 1, by: -1) {
                    guard let hit = phrases[Array(words[index..<index + length])] else { continue }
                    if !found.contains(where: { $0.skill == hit.skill }) { found.append(hit) }
                    advanced = length
                    break
                }
                index += advanced
            }
            return found
        }
    }

    static let vocabulary =
        Fixtures.skills + [
            Skill(name: "linear algebra", aliases: ["matrix", "eigen value"], domain: "mathematics"),
            Skill(name: "café culture", aliases: ["straße", "ÉTUDE"], domain: "culture"),
            Skill(name: "class", aliases: ["classes of boxes", "probabilities"], domain: "misc"),
            Skill(name: "a b c d", aliases: ["b c"], domain: "misc"),
        ]

    @Test func agreesOnSeededRandomTexts() {
        let matcher = LexicalSkillMatcher(skills: Self.vocabulary)
        let reference = Reference(skills: Self.vocabulary)
        let pieces = [
            "algebra", "Algebras", "EQUATIONS", "solve", "for", "x", "linear", "matrices", "matrix", "eigen", "value",
            "values", "café", "Café", "CAFÉ", "culture", "Straße", "étude", "études", "class", "classes", "boxes", "of",
            "probabilities", "Probability", "a", "b", "c", "d", "prime", "primes", "cell", "cells", "triangle",
            "İstanbul", "e\u{301}", "\u{301}", "Σίσυφος", "🙂", "x²", "½", "3rd", "2x", "ﬁle", "K",
        ]
        let separators = [" ", "  ", ", ", ".", "-", "\n", "\r\n", "(", ") ", "/", "'", "\u{00A0}", "—", "\t", ""]
        Self.compare(matcher, reference, texts: 5_000, pieces: 0...14, of: pieces, separators: separators, seed: 2026)
    }

    /// Seeded random texts of `count` pieces, each followed by a separator, matched both ways.
    static func compare(
        _ matcher: LexicalSkillMatcher,
        _ reference: Reference,
        texts: Int,
        pieces count: ClosedRange<Int>,
        of pieces: [String],
        separators: [String],
        seed: UInt64
    ) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<texts {
            var text = ""
            for _ in 0..<Int.random(in: count, using: &rng) {
                text += pieces.randomElement(using: &rng) ?? ""
                text += separators.randomElement(using: &rng) ?? ""
            }
            #expect(matcher.match(text) == reference.match(text), "\(text.debugDescription)")
        }
    }

    /// Texts of up to a few hundred bytes, so words run across the scanner's 8- and 64-byte blocks, with
    /// every plural ending the stemmer knows and non-ASCII letters and punctuation inside words.
    @Test func agreesOnLongTextsAcrossBlockBoundaries() {
        let skills =
            Self.vocabulary + [
                Skill(name: "tax", aliases: ["bus", "glass", "analysis", "cry", "ax", "church", "dish"], domain: "misc"),
                Skill(name: "status quo", aliases: ["virus", "oasis", "s", "ies"], domain: "misc"),
            ]
        let matcher = LexicalSkillMatcher(skills: skills)
        let reference = Reference(skills: skills)
        let pieces = [
            "taxes", "TAXES", "buses", "bus", "glasses", "glass", "analysis", "analyses", "cries", "cry", "axes", "churches",
            "dishes", "status", "quo", "viruses", "virus", "oasis", "s", "ies", "es", "algebras", "matrices", "don’t",
            "don’ts", "café’s", "x—y", "Ünïcödé", "a" + String(repeating: "b", count: 70), String(repeating: "z", count: 63),
            "classes", "probabilities", "1234567", "eigen", "values", "º", "“quoted”", "1–2", "taxes…", "30°C", "3×4",
            "a→b", "x−y", "‘bus’", "¬", "é’s", "’\u{301}s", "\u{200D}", "№5", "➞cry", "\u{00A0}glass",
        ]
        let separators = [" ", ", ", ".", "\n", "—", "’", "", "  ", String(repeating: " ", count: 9)]
        Self.compare(matcher, reference, texts: 3_000, pieces: 0...80, of: pieces, separators: separators, seed: 2027)
    }

    @Test func agreesWhenTheTextComesInParts() {
        let matcher = LexicalSkillMatcher(skills: Self.vocabulary)
        let reference = Reference(skills: Self.vocabulary)
        #expect(matcher.match("Compute the linear", then: ["algebra of it", "b", "c"]) == reference.match("Compute the linear algebra of it b c"))
        #expect(matcher.match("", then: []) == [])
        #expect(matcher.match("x", then: ["", "matrix"]).map(\.skill) == ["linear algebra"])
    }

    /// Texts in parts, short and long: parts that fit on the stack together are read joined, longer ones
    /// one by one, and a text with more vocabulary words than the stack holds is read again; each way
    /// agrees with the reference on the parts joined by spaces.
    @Test func agreesOnTextsInPartsOfEveryLength() {
        let matcher = LexicalSkillMatcher(skills: Self.vocabulary)
        let reference = Reference(skills: Self.vocabulary)
        let pieces = ["linear", "algebra", "matrix", "eigen", "value", "a", "b", "c", "d", "classes", "of", "boxes", "café", "x", "don’t"]
        var rng = SeededGenerator(seed: 2028)
        for _ in 0..<1_000 {
            let parts = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                (0..<Int.random(in: 0...60, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined(separator: " ")
            }
            let joined = parts.joined(separator: " ")
            #expect(matcher.match(parts[0], then: Array(parts.dropFirst())) == reference.match(joined), "\(parts)")
        }
    }

    /// Every question of the shared training sets, with the shipped vocabulary and mined terms.
    @Test func agreesOnTheSharedQuestionSets() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data").standardized
        var questions: [String] = []
        for file in ["routing/train.jsonl", "mcq/MMLU_Pro_train.jsonl", "mcq/MedMCQA_train.jsonl"] {
            let text = try String(contentsOf: data.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let question = row?["question"] as? String { questions.append(question) }
            }
        }
        #expect(questions.count > 6_000)
        let skills = Self.vocabulary + TermMiner(minimumCount: 12).skills(from: questions, excluding: Self.vocabulary)
        let matcher = LexicalSkillMatcher(skills: skills)
        let reference = Reference(skills: skills)
        var mismatches = 0
        for question in questions where matcher.match(question) != reference.match(question) { mismatches += 1 }
        #expect(mismatches == 0)
    }
}
