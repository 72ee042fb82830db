import ConclaveTesting
import Testing

@testable import ConclaveCore

@Suite struct GraderTests {
    let instance = Instance(id: "q", text: "Capital of France?", choices: ["Berlin", "Madrid", "Paris", "Rome"], gold: "C")
    let mcq = Grader(kind: .multipleChoice)

    @Test(
        arguments: [
            ("The answer is (C).", "C"),
            ("Let me think. Paris is the capital. The answer is C", "C"),
            ("Answer: B", "B"),
            ("**D**", "D"),
            ("C. Paris", "C"),
            ("Berlin (A) is wrong; Paris (C) is right", "C"),
            ("C) Paris\nBecause (A) is in Germany", "C"),
            ("Paris", "C"),
            ("I am not sure.", nil),
            ("The answer is (E).", nil),
        ] as [(String, String?)]
    )
    func extractsTheCommittedChoice(response: String, expected: String?) {
        #expect(mcq.extract(from: response, for: instance) == expected)
    }

    @Test func gradesLettersCaseInsensitivelyAndMissingAnswersAsWrong() {
        #expect(mcq.isCorrect("c", gold: "C"))
        #expect(!mcq.isCorrect("B", gold: "C"))
        #expect(!mcq.isCorrect(nil, gold: "C"))
    }

    @Test func inlineOptionsDefaultToTenLetters() {
        let inline = Instance(id: "m", text: "Pick one. (A) x (B) y … (J) z")
        #expect(mcq.extract(from: "The answer is (J)", for: inline) == "J")
    }

    @Test func numericUsesTheLastNumberWithinTolerance() {
        let numeric = Grader(kind: .numeric, tolerance: 0.01)
        let plain = Instance(id: "n", text: "?")
        #expect(numeric.extract(from: "12 + 30 = 42", for: plain) == "42.0")
        #expect(numeric.isCorrect("42.3", gold: "42"))
        #expect(!numeric.isCorrect("43", gold: "42"))
        #expect(numeric.extract(from: "1,234.5 units", for: plain) == "1234.5")
    }

    @Test func exactAndNormalizedMatch() {
        let plain = Instance(id: "t", text: "?")
        #expect(Grader(kind: .exact).isCorrect(Grader(kind: .exact).extract(from: " Paris \n", for: plain), gold: "Paris"))
        let normalized = Grader(kind: .normalized)
        #expect(normalized.isCorrect(normalized.extract(from: "The Eiffel-Tower!", for: plain), gold: "eiffel tower"))
        #expect(!normalized.isCorrect("paris france", gold: "paris"))
    }

    @Test func moreChoicesThanLettersNeitherCrashNorGetLabelsPastZ() {
        // Past Z the old labels were '[', '\\', ']' …, which broke the answer patterns (a crash in `try!`).
        let many = Instance(id: "w", text: "Pick", choices: (0..<40).map { "option \($0)" }, gold: "Z")
        #expect(many.choiceLetters == Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        #expect(mcq.extract(from: "The answer is (Z)", for: many) == "Z")
        #expect(mcq.extract(from: "It is option 33", for: many) == nil)
        #expect(mcq.extract(from: "It is option 25", for: many) == "Z")
        #expect(Prompts.expert(instance: many, role: nil, expert: Fixtures.expert("e", skills: [:])).last?.content.contains("(Z) option 25") == true)
    }
}
