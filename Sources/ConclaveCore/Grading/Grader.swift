import Foundation

/// Extracts a final answer from a model's response and compares it with the gold answer.
///
/// ```swift
/// let grader = Grader(kind: .multipleChoice)
/// grader.extract(from: "The answer is (B).", for: instance)  // "B"
/// grader.isCorrect("B", gold: "b")                         // true
/// ```
public struct Grader: Sendable {
    /// The ways an answer can be judged.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A choice letter (A–J), robust to "The answer is (X)", "X.", "**X**".
        case multipleChoice = "multiple-choice"
        /// The whole response, trimmed, equals the gold answer.
        case exact
        /// Equal after lower-casing and dropping punctuation, articles and extra spaces.
        case normalized
        /// The last number in the response is within `tolerance` of the gold number.
        case numeric
        /// The last `\boxed{…}` of a math solution, equivalent to the gold answer in a simple form
        /// (`\frac{1}{2}` = `1/2` = `0.5`); see `MathAnswer`.
        case boxed
    }

    public var kind: Kind
    public var tolerance: Double

    public init(kind: Kind, tolerance: Double = 1e-6) {
        self.kind = kind
        self.tolerance = tolerance
    }

    /// The answer the response commits to, or nil when none can be found.
    public func extract(from response: String, for instance: Instance) -> String? {
        switch kind {
        case .multipleChoice:
            return ChoiceExtractor(letters: instance.choiceLetters.isEmpty ? Array("ABCDEFGHIJ") : instance.choiceLetters, choices: instance.choices)
                .extract(response)
        case .exact: return response.trimmingCharacters(in: .whitespacesAndNewlines)
        case .normalized: return Self.normalize(response)
        case .numeric: return Self.lastNumber(in: response).map { String($0) }
        case .boxed: return MathAnswer.boxed(in: response)
        }
    }

    /// Whether an extracted answer matches the gold answer.
    public func isCorrect(_ answer: String?, gold: String) -> Bool {
        guard let answer else { return false }
        switch kind {
        case .multipleChoice: return answer.uppercased() == gold.trimmingCharacters(in: .whitespaces).uppercased()
        case .exact: return answer == gold.trimmingCharacters(in: .whitespacesAndNewlines)
        case .normalized: return Self.normalize(answer) == Self.normalize(gold)
        case .numeric:
            guard let value = Double(answer), let target = Self.lastNumber(in: gold) else { return false }
            return abs(value - target) <= tolerance * max(1, abs(target))
        case .boxed: return MathAnswer.equivalent(answer, gold)
        }
    }

    static func normalize(_ text: String) -> String {
        let spaced = String(
            text.lowercased().map { (char: Character) -> Character in
                char.isLetter || char.isNumber ? char : " "
            }
        )
        let words = spaced.split(separator: " ").map(String.init).filter { !["a", "an", "the"].contains($0) }
        return words.joined(separator: " ")
    }

    static func lastNumber(in text: String) -> Double? {
        let cleaned = text.replacingOccurrences(of: ",", with: "")
        let matches = cleaned.matches(of: /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/)
        return matches.last.flatMap { Double(cleaned[$0.range]) }
    }
}

/// Finds the choice letter a response commits to, most explicit phrasing first. The letters are the first
/// ones of the alphabet, one per choice (`Instance.choiceLetters`).
struct ChoiceExtractor {
    let letters: [Character]
    let choices: [String]

    func extract(_ response: String) -> String? {
        for pattern in Self.patterns(forFirst: letters.count) {
            if let last = response.matches(of: pattern).last { return String(last.output.1) }
        }
        return matchChoiceText(response)
    }

    /// The answer patterns, `LETTERS` standing for the character class of valid letters.
    private static let templates = [
        "(?i)answer\\s*(?:is|:)?\\s*[:\\-]?\\s*\\*{0,2}\\(?([LETTERS])\\)?(?![A-Za-z])",
        "\\*\\*\\(?([LETTERS])\\)?[.:]?\\*\\*",
        "(?m)^\\s*\\(?([LETTERS])[).:](?:\\s|$)",
        "\\(([LETTERS])\\)",
        "(?m)^\\s*([LETTERS])\\s*$",
    ]

    /// The answer patterns for the first `count` letters of the alphabet (the labels of `count` choices);
    /// every count from 1 to 26 is compiled once, on first use, because compiling a Regex costs far more
    /// than matching it.
    static func patterns(forFirst count: Int) -> [Regex<(Substring, Substring)>] {
        compiled[min(max(count, 1), Instance.maxChoices) - 1]
    }

    /// Constant once built: never written after its one-time initialization, so sharing it across threads
    /// is safe although `Regex` is not declared `Sendable`.
    private nonisolated(unsafe) static let compiled: [[Regex<(Substring, Substring)>]] = (1...Instance.maxChoices).map { count in
        let valid = String("ABCDEFGHIJKLMNOPQRSTUVWXYZ".prefix(count))
        return templates.compactMap { try? Regex<(Substring, Substring)>($0.replacingOccurrences(of: "LETTERS", with: valid)) }
    }

    /// The one choice whose full text appears in the response, when the model wrote the answer, not the letter.
    private func matchChoiceText(_ response: String) -> String? {
        let normalized = Grader.normalize(response)
        let hits = zip(letters, choices).filter { _, text in
            let choice = Grader.normalize(text)
            return !choice.isEmpty && " \(normalized) ".contains(" \(choice) ")
        }
        return hits.count == 1 ? String(hits[0].0) : nil
    }
}
