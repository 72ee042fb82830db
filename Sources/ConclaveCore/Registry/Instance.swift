/// One input to answer: a question with an id, optional choices, an optional gold answer and metadata.
public struct Instance: Sendable, Hashable, Codable {
    public var id: String
    public var text: String
    public var choices: [String]
    public var gold: String?
    public var metadata: [String: String]

    public init(id: String, text: String, choices: [String] = [], gold: String? = nil, metadata: [String: String] = [:]) {
        self.id = id
        self.text = text
        self.choices = choices
        self.gold = gold
        self.metadata = metadata
    }

    /// The most choices an instance can have: one per letter, A to Z. The dataset reader skips rows with more.
    public static let maxChoices = 26

    /// The letters that label the choices: A, B, C, … (the first 26 choices only).
    public var choiceLetters: [Character] {
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".prefix(choices.count))
    }

    /// Whether the options are written into the question itself, as "(A) … (B) …" (MMLU-Pro's style).
    public var hasInlineOptions: Bool {
        text.contains("(A)") && text.contains("(B)")
    }
}
