import Foundation

/// Builds the messages sent to experts and to the aggregator.
///
/// ```swift
/// let messages = Prompts.expert(instance: instance, role: role, expert: expert)
/// let synthesis = Prompts.aggregation(instance: instance, responses: ["(A) …", "(B) …"], role: critic)
/// ```
public enum Prompts {
    /// An expert's messages: its role's and its own instructions, then the question with its choices.
    public static func expert(instance: Instance, role: Role?, expert: Expert) -> [ChatMessage] {
        let system = [role?.promptInstructions, expert.instructions].compactMap { $0 }.joined(separator: "\n\n")
        var messages: [ChatMessage] = system.isEmpty ? [] : [.system(system)]
        messages.append(.user(question(instance) + "\n\n" + answerFormat(instance)))
        return messages
    }

    /// The aggregator's messages: the question, each expert response clearly delimited, and the instruction
    /// to evaluate them critically, since any of them may be wrong.
    public static func aggregation(instance: Instance, responses: [String], role: Role?) -> [ChatMessage] {
        var text =
            question(instance)
            + "\n\nSeveral experts answered this question. Their responses follow; any of them may be wrong, so evaluate each critically before giving your own final answer.\n"
        for (index, response) in responses.enumerated() {
            text += "\n<response \(index + 1)>\n\(response.trimmingCharacters(in: .whitespacesAndNewlines))\n</response \(index + 1)>\n"
        }
        text += "\n" + answerFormat(instance)
        return (role.map { [.system($0.promptInstructions)] } ?? []) + [.user(text)]
    }

    /// The extractor's messages: a request for 2–5 keywords naming what it takes to answer the question, then
    /// the question without its choices (which tempt a small model to answer instead).
    public static func extraction(instance: Instance) -> [ChatMessage] {
        [
            .system("You name the subjects that questions draw on. You never answer the questions."),
            .user(
                "Which subjects, areas of knowledge or skills does answering this question require? Reply with 2 to 5 short keywords separated by commas, and nothing else.\n\nQuestion: \(instance.text)\n\nKeywords:"
            ),
        ]
    }

    static func question(_ instance: Instance) -> String {
        var text = "Question: \(instance.text)"
        for (letter, choice) in zip(instance.choiceLetters, instance.choices) { text += "\n(\(letter)) \(choice)" }
        return text
    }

    static func answerFormat(_ instance: Instance) -> String {
        instance.choices.isEmpty && !instance.hasInlineOptions
            ? "Give a short explanation, then the final answer on its own line, starting with \"The answer is\"."
            : "Reply with the correct option, written out in full, on one line starting with \"The answer is\"."
    }
}
