/// One candidate's profile score for each matched skill of an instance: a view into a table the
/// recruiter fills once per decision, so a decision holds one array of scores rather than a dictionary
/// per candidate. It reads, compares and encodes like `[String: Double]`.
///
/// ```swift
/// let scores: SkillScores = ["algebra": 3, "geometry": 1]
/// scores["algebra"]      // 3
/// scores.dictionary      // ["algebra": 3, "geometry": 1]
/// ```
public struct SkillScores: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    /// The skills of the view, in order.
    private let skills: [String]
    /// The scores: the view's start to start + skills.count; NaN where the profile scores no such skill.
    private let values: [Double]
    private let start: Int

    /// A view of `values[start ..< start + skills.count]`.
    init(skills: [String], values: [Double], start: Int) {
        self.skills = skills
        self.values = values
        self.start = start
    }

    public init(_ dictionary: [String: Double]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        self.init(skills: sorted.map(\.key), values: sorted.map(\.value), start: 0)
    }

    public init(dictionaryLiteral elements: (String, Double)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The score for `skill`, or nil when the profile has none.
    public subscript(skill: String) -> Double? {
        for (offset, name) in skills.enumerated() where name == skill {
            let value = values[start + offset]
            if !value.isNaN { return value }
        }
        return nil
    }

    /// The scores as a dictionary.
    public var dictionary: [String: Double] {
        var result: [String: Double] = [:]
        for (offset, name) in skills.enumerated() where !values[start + offset].isNaN && result[name] == nil {
            result[name] = values[start + offset]
        }
        return result
    }

    public static func == (lhs: SkillScores, rhs: SkillScores) -> Bool { lhs.dictionary == rhs.dictionary }

    public func hash(into hasher: inout Hasher) { hasher.combine(dictionary) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: Double].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dictionary)
    }
}
