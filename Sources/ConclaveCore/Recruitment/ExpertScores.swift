/// Every candidate's score for one instance (`Recruitment.scores`): a collection of `ExpertScore`, in the
/// recruiter's candidate order.
///
/// A fresh decision keeps them as one table (the numbers that vary per instance in one buffer; ids,
/// strengths and profile scores read from the recruiter) and makes an `ExpertScore` only when one is
/// read, so deciding allocates one buffer instead of an array per candidate. Changing a score's seats, numbers or reason writes into the table;
/// any other change turns the collection into a plain list of scores.
///
/// ```swift
/// for score in decision.recruitment.scores where score.seats > 0 { print(score.expert, score.weight) }
/// decision.recruitment.scores[2].seats += 1
/// ```
public struct ExpertScores: RandomAccessCollection, MutableCollection, Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    /// The numbers of one candidate, at `index * Field.count` in `Table.numbers`.
    enum Field: Int {
        case relevance, weight, cost, seats
        static let count = 4
    }

    /// One fresh decision's scores: what varies per instance is in `numbers`; the candidates' ids,
    /// strengths and profile scores are read from the recruiter that made them.
    struct Table: Sendable {
        let recruiter: Recruiter
        /// The matched skills some profile scores (the decision's own matches, shared with it).
        var skills: [LexicalSkillMatcher.SkillMatch]
        var numbers: [Double]
        var basis: RecruitmentBasis
        /// Words that replace derived reasons, by candidate; empty until one is set.
        var notes: [String?] = []

        var count: Int { recruiter.candidates.count }

        /// One number of a candidate.
        subscript(field: Field, of candidate: Int) -> Double {
            get { numbers[candidate * Field.count + field.rawValue] }
            set { numbers[candidate * Field.count + field.rawValue] = newValue }
        }

        /// The candidate's profile score for each of `skills`.
        func profileScores(of candidate: Int) -> SkillScores {
            SkillScores(skills: skills, recruiter: recruiter, candidate: candidate)
        }
    }

    private enum Storage: Sendable {
        case table(Table)
        case list([ExpertScore])
    }

    private var storage: Storage

    /// Scores laid out as a table: `numbers` holds, per candidate of the recruiter, relevance, weight,
    /// cost and seats.
    init(table: Table) { storage = .table(table) }

    public init(_ scores: [ExpertScore]) { storage = .list(scores) }

    public init(arrayLiteral elements: ExpertScore...) { self.init(elements) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .table(let table): table.count
        case .list(let list): list.count
        }
    }

    public subscript(position: Int) -> ExpertScore {
        get {
            switch storage {
            case .list(let list):
                return list[position]
            case .table(let table):
                var score = ExpertScore(
                    expert: table.recruiter.candidates[position].id,
                    relevanceBySkill: table.profileScores(of: position),
                    relevance: table[.relevance, of: position],
                    strength: table.recruiter.strength(of: position),
                    weight: table[.weight, of: position],
                    cost: table[.cost, of: position],
                    seats: Int(table[.seats, of: position]),
                    basis: table.basis
                )
                if !table.notes.isEmpty, let note = table.notes[position] { score.reason = note }
                return score
            }
        }
        set {
            if case .table(var table) = storage, newValue.expert == table.recruiter.candidates[position].id,
                newValue.basis == table.basis, newValue.strength == table.recruiter.strength(of: position),
                newValue.relevanceBySkill == table.profileScores(of: position)
            {
                storage = .list([])  // leaves `table` the only owner of its buffers while it is written
                table[.relevance, of: position] = newValue.relevance
                table[.weight, of: position] = newValue.weight
                table[.cost, of: position] = newValue.cost
                table[.seats, of: position] = Double(newValue.seats)
                if newValue.note != nil || !table.notes.isEmpty {
                    if table.notes.isEmpty { table.notes = Array(repeating: nil, count: table.count) }
                    table.notes[position] = newValue.note
                }
                storage = .table(table)
                return
            }
            var list = Array(self)
            storage = .list([])
            list[position] = newValue
            storage = .list(list)
        }
    }

    public static func == (lhs: ExpertScores, rhs: ExpertScores) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for score in self { hasher.combine(score) }
    }

    /// Stored as a JSON array of scores, as `[ExpertScore]` was.
    public init(from decoder: any Decoder) throws { self.init(try [ExpertScore](from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }
}
