/// One candidate's profile score for each matched skill of an instance: a view of the recruiter's
/// profile table, read when asked, so a decision holds no dictionary per candidate. It reads, compares
/// and encodes like `[String: Double]`.
///
/// ```swift
/// let scores: SkillScores = ["algebra": 3, "geometry": 1]
/// scores["algebra"]      // 3
/// scores.dictionary      // ["algebra": 3, "geometry": 1]
/// ```
public struct SkillScores: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private enum Storage: Sendable {
        /// Scores given as a dictionary, by skill in order.
        case values(skills: [String], values: [Double])
        /// A candidate's scores read from its recruiter's profile table, for the matched skills.
        case profile(skills: SkillMatches, recruiter: Recruiter, candidate: Int)
    }

    private let storage: Storage

    /// A view of the candidate's profile scores for `skills`, read when asked.
    init(skills: SkillMatches, recruiter: Recruiter, candidate: Int) {
        storage = .profile(skills: skills, recruiter: recruiter, candidate: candidate)
    }

    /// Each skill of the view, in order, with its score (NaN where the profile has none).
    private var entries: [(skill: String, value: Double)] {
        switch storage {
        case .values(let skills, let values):
            Array(zip(skills, values))
        case .profile(let skills, let recruiter, let candidate):
            skills.map { ($0.skill, recruiter.profileScore(of: candidate, for: $0.skill)) }
        }
    }

    public init(_ dictionary: [String: Double]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        storage = .values(skills: sorted.map(\.key), values: sorted.map(\.value))
    }

    public init(dictionaryLiteral elements: (String, Double)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The score for `skill`, or nil when the profile has none.
    public subscript(skill: String) -> Double? {
        entries.first { $0.skill == skill && !$0.value.isNaN }?.value
    }

    /// The scores as a dictionary.
    public var dictionary: [String: Double] { Dictionary(uniqueKeysWithValues: sortedBySkill.lazy.map { ($0.skill, $0.value) }) }

    /// What `dictionary` holds, in ascending order of skill, without building it: each skill once, with
    /// its first score; skills the profile lacks are left out.
    ///
    /// ```swift
    /// let scores: SkillScores = ["geometry": 1, "algebra": 3]
    /// scores.sortedBySkill  // [("algebra", 3), ("geometry", 1)]
    /// ```
    public var sortedBySkill: [(skill: String, value: Double)] {
        var kept: [(skill: String, value: Double)] = []
        for entry in entries where !entry.value.isNaN && !kept.contains(where: { $0.skill == entry.skill }) { kept.append(entry) }
        return kept.sorted { $0.skill < $1.skill }
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
