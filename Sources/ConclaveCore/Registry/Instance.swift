/// One input to answer: a question with an id, optional choices, an optional gold answer and metadata.
///
/// Its fields live in one immutable box that copies share; changing a field gives the instance a new box.
/// Copying an instance (as passing one out of an array to a function does, once per decision) then
/// retains one object instead of each of its strings and collections.
///
/// ```swift
/// var instance = Instance(id: "q1", text: "What is 2 + 2?", choices: ["3", "4"], gold: "B")
/// instance.metadata["category"] = "arithmetic"
/// ```
public struct Instance: Sendable, Hashable, Codable {
    /// The fields, shared by copies.
    private final class Fields: Sendable, Codable {
        let id: String
        let text: String
        let choices: [String]
        let gold: String?
        let metadata: [String: String]

        init(id: String, text: String, choices: [String], gold: String?, metadata: [String: String]) {
            (self.id, self.text, self.choices, self.gold, self.metadata) = (id, text, choices, gold, metadata)
        }
    }

    private var fields: Fields

    public var id: String {
        get { fields.id }
        set { fields = Fields(id: newValue, text: text, choices: choices, gold: gold, metadata: metadata) }
    }

    public var text: String {
        get { fields.text }
        set { fields = Fields(id: id, text: newValue, choices: choices, gold: gold, metadata: metadata) }
    }

    public var choices: [String] {
        get { fields.choices }
        set { fields = Fields(id: id, text: text, choices: newValue, gold: gold, metadata: metadata) }
    }

    public var gold: String? {
        get { fields.gold }
        set { fields = Fields(id: id, text: text, choices: choices, gold: newValue, metadata: metadata) }
    }

    public var metadata: [String: String] {
        get { fields.metadata }
        set { fields = Fields(id: id, text: text, choices: choices, gold: gold, metadata: newValue) }
    }

    public init(id: String, text: String, choices: [String] = [], gold: String? = nil, metadata: [String: String] = [:]) {
        fields = Fields(id: id, text: text, choices: choices, gold: gold, metadata: metadata)
    }

    /// Stored as its fields (`gold` left out when there is none).
    public init(from decoder: any Decoder) throws { fields = try Fields(from: decoder) }

    public func encode(to encoder: any Encoder) throws { try fields.encode(to: encoder) }

    public static func == (lhs: Instance, rhs: Instance) -> Bool {
        lhs.fields === rhs.fields
            || (lhs.id, lhs.text, lhs.choices, lhs.gold, lhs.metadata) == (rhs.id, rhs.text, rhs.choices, rhs.gold, rhs.metadata)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(text)
        hasher.combine(choices)
        hasher.combine(gold)
        hasher.combine(metadata)
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
