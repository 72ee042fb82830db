import Foundation

/// An earlier answer a call is shown: whose it is (round, seat, role) and what it said.
public struct Contribution: Sendable, Hashable {
    public var round: Int
    public var seat: Int
    public var role: String?
    public var text: String

    public init(round: Int, seat: Int, role: String?, text: String) {
        self.round = round
        self.seat = seat
        self.role = role
        self.text = text
    }

    /// How prompts attribute it: "agent 2 (Physician)"; seats count from 1 in prompts.
    public var attribution: String { "agent \(seat + 1)" + (role.map { " (\($0))" } ?? "") }
}

extension Prompts {
    /// An agent's messages for its turn: its role's and its own instructions, then the question, the
    /// earlier answers its turn is given (each delimited and attributed, its own marked as such), what the
    /// turn asks, and the answer format. The one place mode and role instructions are composed.
    ///
    /// ```swift
    /// let messages = Prompts.agent(instance: instance, turn: .debate, seat: 0, role: physician, expert: expert,
    ///                              inputs: [Contribution(round: 0, seat: 1, role: nil, text: "The answer is (B)")])
    /// ```
    public static func agent(instance: Instance, turn: Turn, seat: Int, role: Role?, expert: Expert, inputs: [Contribution]) -> [ChatMessage] {
        guard turn != .answer else { return self.expert(instance: instance, role: role, expert: expert) }
        let system = [role?.promptInstructions, expert.instructions].compactMap { $0 }.joined(separator: "\n\n")
        var text = question(instance) + "\n\n" + preamble(turn) + "\n"
        for input in inputs {
            let owner = input.seat == seat ? "your own answer" : input.attribution
            text += "\n<answer from=\"\(owner)\">\n\(input.text.trimmingCharacters(in: .whitespacesAndNewlines))\n</answer>\n"
        }
        text += "\n" + request(turn) + " " + answerFormat(instance)
        return (system.isEmpty ? [] : [.system(system)]) + [.user(text)]
    }

    /// What the earlier answers are, before they are shown.
    private static func preamble(_ turn: Turn) -> String {
        switch turn {
        case .answer: ""
        case .debate: "In the previous round, the agents answered this question as follows. Any of them may be wrong, yours included."
        case .layer: "Agents of the previous layer proposed these answers. Any of them may be wrong."
        case .refine: "The previous agent in the chain answered as follows. It may be wrong."
        case .critique: "A solver answered this question as follows."
        case .revise: "You answered this question earlier, and a critic reviewed your answer. Both follow."
        }
    }

    /// What the turn asks for, after the earlier answers.
    private static func request(_ turn: Turn) -> String {
        switch turn {
        case .answer: ""
        case .debate: "Weigh the other agents' reasoning against your own, then give your updated answer."
        case .layer: "Use what is right in these proposals, drop what is wrong, and write a better answer of your own."
        case .refine: "Check that answer step by step, correct anything wrong, and give the improved answer."
        case .critique: "Point out every error or gap in the solver's answer; do not simply agree. Then say what you believe the correct answer is."
        case .revise: "Revise your answer where the critique is right, keep it where the critique is wrong."
        }
    }
}
