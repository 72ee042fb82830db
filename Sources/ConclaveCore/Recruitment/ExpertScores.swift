/// Every candidate's score for one instance (`Recruitment.scores`): a collection of `ExpertScore`, in the
/// recruiter's candidate order.
///
/// A fresh decision keeps what the scores are worked out from, not the scores: the recruiter (ids,
/// strengths, profile table), the matched skills, the costs (one prompt length when priced), the
/// predictions of `learned`, and the seats packed in one integer. Relevance and weight are worked out
/// again when a score is read (`Recruiter.withNumbers`, as the recruitment did), so a window of decisions
/// holds no buffer of numbers per decision. Changing a score's seats or reason writes into the table;
/// any other change turns the collection into a plain list of scores.
///
/// ```swift
/// for score in decision.recruitment.scores where score.seats > 0 { print(score.expert, score.weight) }
/// decision.recruitment.scores[2].seats += 1
/// ```
public struct ExpertScores: RandomAccessCollection, MutableCollection, Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    /// One fresh decision's scores, as what they are worked out from.
    struct Table: Sendable {
        /// Keeps the recruiter alive: one of the deciding thread's owners, so that decisions made on
        /// several cores at once do not all retain the recruiter itself.
        let owner: ScoreOwner
        var recruiter: Recruiter { owner.recruiter }
        /// The matched skills some profile scores (the decision's own matches, shared with it).
        var skills: SkillMatches
        var costs: CandidateCosts
        /// For `learned`: each candidate's predicted success.
        var predicted: [Double]?
        var seats: SeatCounts
        var basis: RecruitmentBasis
        /// Words that replace derived reasons, by candidate; empty until one is set.
        var notes: [String?] = []

        var count: Int { recruiter.candidates.count }

        /// Calls `body` with every candidate's relevance, weight and cost, worked out as the recruitment
        /// did.
        func withNumbers<Result>(_ body: (Numbers) -> Result) -> Result {
            recruiter.withColumns(of: skills) { columns in
                recruiter.withNumbers(columns: columns, costs: costs, predicted: predicted) { numbers, _ in body(numbers) }
            }
        }

        /// The score of `candidate`, read from `numbers`.
        func score(of candidate: Int, numbers: Numbers) -> ExpertScore {
            score(of: candidate, relevance: numbers.relevance[candidate], weight: numbers.weights[candidate], cost: numbers.cost(of: candidate))
        }

        /// The score of `candidate` with these numbers.
        func score(of candidate: Int, relevance: Double, weight: Double, cost: Double) -> ExpertScore {
            var score = ExpertScore(
                expert: recruiter.candidates[candidate].id,
                relevanceBySkill: SkillScores(skills: skills, recruiter: recruiter, candidate: candidate),
                relevance: relevance,
                strength: recruiter.strength(of: candidate),
                weight: weight,
                cost: cost,
                seats: seats[candidate],
                basis: basis
            )
            if !notes.isEmpty, let note = notes[candidate] { score.reason = note }
            return score
        }
    }

    /// Every candidate's relevance, weight and cost, while a table's scores are read.
    struct Numbers {
        var relevance: UnsafeBufferPointer<Double>
        var weights: UnsafeBufferPointer<Double>
        /// Empty when not estimated; a candidate past the end costs 0.
        var costs: UnsafeBufferPointer<Double>

        func cost(of candidate: Int) -> Double { candidate < costs.count ? costs[candidate] : 0 }
    }

    private enum Storage: Sendable {
        case table(Table)
        case list([ExpertScore])
    }

    private var storage: Storage

    /// Scores kept as what they are worked out from.
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
            case .list(let list): list[position]
            case .table(let table): table.withNumbers { table.score(of: position, numbers: $0) }
            }
        }
        set {
            if case .table(var table) = storage, newValue.expert == table.recruiter.candidates[position].id,
                table.withNumbers({ numbers in
                    var kept = table.score(of: position, numbers: numbers)
                    kept.seats = newValue.seats
                    kept.note = newValue.note
                    return kept == newValue
                })
            {
                storage = .list([])  // leaves `table` the only owner of its buffers while it is written
                table.seats[position] = newValue.seats
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

    /// Reads the scores in order, working a table's numbers out once for all of them.
    public struct Iterator: IteratorProtocol {
        private let list: [ExpertScore]
        private let table: Table?
        private var position = 0
        /// The table's relevance, weight and cost of each candidate, worked out on the first read.
        private var numbers: [Double] = []

        fileprivate init(_ scores: ExpertScores) {
            switch scores.storage {
            case .list(let list): (self.list, table) = (list, nil)
            case .table(let table): (list, self.table) = ([], table)
            }
        }

        public mutating func next() -> ExpertScore? {
            // The table is read through optional chaining, which borrows it instead of copying it.
            guard let count = table?.count else {
                guard position < list.count else { return nil }
                defer { position += 1 }
                return list[position]
            }
            guard position < count else { return nil }
            defer { position += 1 }
            if numbers.isEmpty {
                numbers.reserveCapacity(3 * count)
                table?.withNumbers { worked in
                    for candidate in 0..<count {
                        numbers.append(worked.relevance[candidate])
                        numbers.append(worked.weights[candidate])
                        numbers.append(worked.cost(of: candidate))
                    }
                }
            }
            return table?.score(of: position, relevance: numbers[3 * position], weight: numbers[3 * position + 1], cost: numbers[3 * position + 2])
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    /// The candidates' experts by weight, highest first (ties by id), read without working out the rest of
    /// each score: the order in which the next-ranked expert takes over from one that fails.
    ///
    /// ```swift
    /// let fallbacks = decision.recruitment.scores.expertsByWeight().filter { $0 != first }
    /// ```
    public func expertsByWeight() -> [String] {
        let weighted: [(expert: String, weight: Double)]
        switch storage {
        case .list(let list):
            weighted = list.map { ($0.expert, $0.weight) }
        case .table(let table):
            guard table.count > 1 else { return table.recruiter.candidates.map(\.id) }
            weighted = table.withNumbers { numbers in (0..<table.count).map { (table.recruiter.candidates[$0].id, numbers.weights[$0]) } }
        }
        return weighted.sorted { ($0.weight, $1.expert) > ($1.weight, $0.expert) }.map(\.expert)
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
