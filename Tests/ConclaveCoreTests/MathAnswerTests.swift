import Testing

@testable import ConclaveCore

@Suite struct MathAnswerTests {
    let grader = Grader(kind: .boxed)
    let instance = Instance(id: "m", text: "Compute.", choices: [], gold: nil)

    @Test(
        arguments: [
            ("We get $x = 3$, so the answer is $\\boxed{3}$.", "3"),
            ("First \\boxed{2} was wrong; the final answer is \\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
            ("Thus \\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.", "\\left( 3, \\frac{\\pi}{2} \\right)"),
            ("\\fbox{42}", "42"),
            ("\\boxed {7}", "7"),
            ("The answer is 12.", nil),
            ("\\boxed{unterminated", nil),
        ] as [(String, String?)]
    )
    func extractsTheLastBoxedAnswer(response: String, expected: String?) {
        #expect(grader.extract(from: response, for: instance) == expected)
    }

    @Test(
        arguments: [
            ("\\frac{1}{2}", "1/2", true),
            ("\\dfrac{1}{2}", "0.5", true),
            ("\\frac12", "0.5", true),
            ("-\\frac{3}{4}", "-0.75", true),
            ("1,000", "1000", true),
            ("50\\%", "0.5", true),
            ("5.0", "5", true),
            ("90^\\circ", "90", true),
            ("10\\text{ cm}", "10", true),
            ("$\\left( 3, \\frac{\\pi}{2} \\right)$", "(3,\\frac{\\pi}{2})", true),
            ("x+1", "x + 1", true),
            // near misses
            ("\\frac{1}{3}", "0.33", false),
            ("1/2", "2", false),
            ("-5", "5", false),
            ("x+1", "x-1", false),
            ("", "", false),
            ("\\sqrt{2}", "1.414", false),
        ] as [(String, String, Bool)]
    )
    func judgesSimpleFormsEquivalent(answer: String, gold: String, same: Bool) {
        #expect(grader.isCorrect(answer, gold: gold) == same, "\(answer) vs \(gold)")
    }

    @Test func aResponseIsGradedThroughItsBox() {
        let answer = grader.extract(from: "so $\\boxed{\\dfrac{3}{6}}$", for: instance)
        #expect(grader.isCorrect(answer, gold: "\\frac{1}{2}"))
        #expect(!grader.isCorrect(nil, gold: "1"))
    }
}
