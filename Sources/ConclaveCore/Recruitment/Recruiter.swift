import Foundation

/// How a team of k experts is drawn from the weighted candidates: the strategy's name in YAML and in
/// stored decisions. Each case's behaviour is its `selection` (a `TeamSelection`).
public enum RecruitmentStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Symbolic-MoE: k draws with replacement, probability proportional to relevance × strength.
    case symbolic
    /// The k best distinct experts by weight (deterministic).
    case topK = "top-k"
    /// The k best distinct experts by expected correctness − λ · expected cost of the call (deterministic).
    case costAware = "cost-aware"
    /// The k best distinct experts by predicted success on similar recorded questions − λ · expected cost.
    case learned
}

/// What the recruiter knows of a candidate: its id, its profile (skills, strength, counts) and, when it
/// has one, the price of its calls. A registry expert is one; offline evaluation builds them from recorded
/// outcomes without inventing an expert.
///
/// ```swift
/// let candidate = RecruitmentCandidate(id: "gpt-x", profile: Profile(skills: ["algebra": 4]))
/// let recruiter = Recruiter(candidates: [candidate], k: 1, strategy: .topK)
/// ```
public struct RecruitmentCandidate: Sendable, Hashable {
    public var id: String
    public var profile: Profile
    /// The expected cost of its calls (nil: not priced, costs nothing to the recruiter).
    public var pricing: CallPricing?

    public init(id: String, profile: Profile, pricing: CallPricing? = nil) {
        self.id = id
        self.profile = profile
        self.pricing = pricing
    }

    /// The candidate an expert of the registry is.
    public init(_ expert: Expert) { self.init(id: expert.id, profile: expert.profile, pricing: expert.pricing) }
}

/// The outcome of recruiting for one instance: the team (an expert may hold several seats when sampled
/// with replacement) and the score of every candidate.
public struct Recruitment: Sendable, Hashable, Codable {
    /// The experts in the seats, in seat order.
    public var team: [String] {
        get { seats.ids }
        set { seats = TeamSeats(newValue) }
    }
    public var scores: ExpertScores
    /// True when no matched skill applied and the recruiter fell back to global strength.
    public var usedStrengthFallback: Bool
    /// `team`, as it is held (a fresh recruitment's, packed).
    var seats: TeamSeats

    /// Makes `team` the team, and each candidate's seat count agree with it.
    public mutating func seat(_ team: [String]) {
        self.team = team
        for index in scores.indices {
            var seats = 0
            for member in team where member == scores[index].expert { seats += 1 }
            scores[index].seats = seats
        }
    }

    public init(team: [String], scores: ExpertScores, usedStrengthFallback: Bool) {
        self.init(seats: TeamSeats(team), scores: scores, usedStrengthFallback: usedStrengthFallback)
    }

    init(seats: TeamSeats, scores: ExpertScores, usedStrengthFallback: Bool) {
        self.seats = seats
        self.scores = scores
        self.usedStrengthFallback = usedStrengthFallback
    }

    /// What is stored of a recruitment: `team` as an array of ids, as before teams were packed.
    private struct Stored: Codable {
        var team: [String]
        var scores: ExpertScores
        var usedStrengthFallback: Bool
    }

    public init(from decoder: any Decoder) throws {
        let stored = try Stored(from: decoder)
        self.init(team: stored.team, scores: stored.scores, usedStrengthFallback: stored.usedStrengthFallback)
    }

    public func encode(to encoder: any Encoder) throws {
        try Stored(team: team, scores: scores, usedStrengthFallback: usedStrengthFallback).encode(to: encoder)
    }

    public static func == (lhs: Recruitment, rhs: Recruitment) -> Bool {
        lhs.team == rhs.team && lhs.scores == rhs.scores && lhs.usedStrengthFallback == rhs.usedStrengthFallback
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(team)
        hasher.combine(scores)
        hasher.combine(usedStrengthFallback)
    }
}

/// Recruits k experts for an instance from their profiles (Symbolic-MoE): relevance(e) = Σ profile[e][skill]
/// over the instance's skills, keep positive relevance (shift all when none is positive), weight =
/// relevance × normalised strength; then sample or take the top k. With no matched skill, weight = strength.
/// `cost-aware` ranks by expected correctness − λ · expected cost instead.
///
/// The profiles are laid out once as a dense skill × expert table, so `team(columns:costs:using:)` picks a
/// team without allocating anything but the team; `recruit` adds every candidate's scores and reasons.
///
/// ```swift
/// let recruiter = Recruiter(experts: registry.experts, k: 3, strategy: .symbolic)
/// var rng = SeededGenerator(seed: 7, instanceID: instance.id)
/// let recruitment = recruiter.recruit(skills: ["algebra"], using: &rng)
/// ```
public final class Recruiter: Sendable {
    public let candidates: [RecruitmentCandidate]
    public let k: Int
    public let strategy: RecruitmentStrategy
    /// The strategy's team selection.
    public let selection: any TeamSelection
    /// The price of cost in correctness, for `cost-aware`.
    public let lambda: Double
    /// Whether the selection's weights are correctness − λ × cost (asked once, not per decision).
    private let weighsCost: Bool
    /// Normalised strengths, aligned with `candidates`.
    public var strengths: [Double] { (0..<candidates.count).map { normalisedStrengths[$0] } }
    /// The candidates' ids, in order, copied per thread slot (a team holds them).
    private let ids: ThreadCopies<[String]>
    /// The candidates' pricing, in order.
    private let pricing: [CallPricing?]
    /// Column of each skill any profile scores.
    private let columnOfSkill: NameIndex
    /// Profile score of candidate e for the skill in column c at `c * candidates.count + e`; NaN when absent.
    private let scores: FrozenArray<Double>
    /// The same with 0 where absent: what relevance sums.
    private let summedScores: FrozenArray<Double>
    /// (correct − wrong) / answered at the same places; the score itself when the profile has no counts.
    private let rates: FrozenArray<Double>
    /// Each candidate's rate over its whole validation set, for instances with no matched skill.
    private let globalRates: FrozenArray<Double>
    /// The normalised strengths, read while deciding.
    private let normalisedStrengths: FrozenArray<Double>

    /// A recruiter over the registry's experts.
    public convenience init(experts: [Expert], k: Int, strategy: RecruitmentStrategy, temperature: Double = 0.5, lambda: Double = 0) {
        self.init(candidates: experts.map(RecruitmentCandidate.init), k: k, strategy: strategy, temperature: temperature, lambda: lambda)
    }

    /// A recruiter over any candidates: all it reads of one is its id and its profile.
    public init(
        candidates experts: [RecruitmentCandidate],
        k: Int,
        strategy: RecruitmentStrategy,
        temperature: Double = 0.5,
        lambda: Double = 0
    ) {
        self.candidates = experts
        self.k = max(1, k)
        self.strategy = strategy
        self.selection = strategy.selection
        self.weighsCost = selection.weighting == .correctnessMinusCost
        self.lambda = lambda
        self.normalisedStrengths = FrozenArray(StrengthNormalizer(temperature: temperature).normalize(experts.map(\.profile.strength)))
        let names = Set(experts.flatMap(\.profile.skills.keys)).sorted()
        ids = ThreadCopies { experts.map(\.id.withOwnStorage) }
        pricing = experts.map(\.pricing)
        columnOfSkill = NameIndex(names)
        var scores = [Double](repeating: .nan, count: names.count * experts.count)
        var rates = scores
        for (column, name) in names.enumerated() {
            for (index, expert) in experts.enumerated() {
                guard let score = expert.profile.skills[name] else { continue }
                scores[column * experts.count + index] = score
                let answered = expert.profile.answered[name] ?? 0
                rates[column * experts.count + index] = answered > 0 ? score / Double(answered) : score
            }
        }
        self.scores = FrozenArray(scores)
        self.summedScores = FrozenArray(scores.map { $0.isNaN ? 0 : $0 })
        self.rates = FrozenArray(rates)
        self.globalRates = FrozenArray(experts.map { $0.profile.globalRate ?? 0 })
    }

    deinit {
        for numbers in [scores, summedScores, rates, globalRates, normalisedStrengths] { numbers.free() }
    }

    /// The candidate's normalised strength.
    func strength(of candidate: Int) -> Double { normalisedStrengths[candidate] }

    /// The candidate's id (the calling thread's copy).
    func id(of candidate: Int) -> String { ids.current[candidate] }

    /// The candidate's profile score for the skill; NaN when its profile has none.
    func profileScore(of candidate: Int, for skill: String) -> Double {
        guard let column = columnOfSkill[skill] else { return .nan }
        return scores[column * candidates.count + candidate]
    }

    /// The table columns of the skills some profile scores, in order; other skills are dropped.
    public func columns(for skills: [String]) -> [Int] { skills.compactMap { columnOfSkill[$0] } }

    /// The team for an instance with these skill columns, as candidate indices, one per seat. `costs` holds
    /// the expected cost of each candidate's call (used by `cost-aware`; may be empty otherwise).
    public func team<G: RandomNumberGenerator>(columns: [Int], costs: [Double], using rng: inout G) -> [Int] {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: candidates.count * 2) { buffer in
            let relevance = UnsafeMutableBufferPointer(rebasing: buffer[0..<candidates.count])
            let weights = UnsafeMutableBufferPointer(rebasing: buffer[candidates.count...])
            _ = columns.withUnsafeBufferPointer { columns in
                costs.withUnsafeBufferPointer { fill(relevance: relevance, weights: weights, columns: columns, costs: $0) }
            }
            return selection.seats(weights: UnsafeBufferPointer(weights), k: k, using: &rng)
        }
    }

    /// The team and every candidate's scores and reasons, as a decision stores them. `costs` holds the
    /// expected cost of each candidate's call (empty when not estimated); `predicted`, for `learned`, each
    /// candidate's predicted success, which then replaces the profile's relevance; `seats`, the team's
    /// size when it is not `k` (at least one).
    public func recruit<G: RandomNumberGenerator>(
        skills: [String],
        costs: [Double] = [],
        predicted: [Double]? = nil,
        seats: Int? = nil,
        using rng: inout G
    ) -> Recruitment {
        withColumns(of: skills) { columns, scored in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, seats ?? k)) { members in
                recruit(
                    columns: columns,
                    scored: scored,
                    costs: CandidateCosts(costs),
                    predicted: predicted,
                    members: members,
                    owner: ScoreOwner(self),
                    using: &rng
                )
            }
        }
    }

    /// The recruitment for skills already resolved to table columns (`scored` holds those skills, in the
    /// same order), of a team with one seat per place in `members`; the team's candidate indices are
    /// written there, seat by seat. The scores keep the skills, costs and predictions they are worked out
    /// from, not the numbers (`ExpertScores`), and `owner`, which keeps this recruiter alive for them.
    /// (`scored` and `owner` are taken, not copied: the recruitment keeps them.)
    func recruit<G: RandomNumberGenerator>(
        columns: UnsafeBufferPointer<Int>,
        scored: consuming SkillMatches,
        costs: CandidateCosts,
        predicted: [Double]?,
        members: UnsafeMutableBufferPointer<Int>,
        owner: consuming ScoreOwner,
        using rng: inout G
    ) -> Recruitment {
        let count = candidates.count
        // Weights only use the costs when they are correctness − λ × cost; otherwise the costs are worked
        // out when the scores are read, not for the draw.
        let usesCosts = weighsCost || predicted != nil
        // The selection is taken out first, so that the closure does not hold (and retain) this recruiter.
        let selection = self.selection
        let (filled, fallback) = withNumbers(columns: columns, costs: usesCosts ? costs : .none, predicted: predicted) { numbers, fallback in
            (selection.seats(weights: numbers.weights, into: members, using: &rng), fallback)
        }
        var seats = SeatCounts(candidates: count)
        for seat in 0..<filled { seats[members[seat]] += 1 }
        let seated = UnsafeBufferPointer(rebasing: members[..<filled])
        let team = TeamSeats(members: seated, owner: copy owner) ?? TeamSeats(seated.map(id(of:)))
        let basis = RecruitmentBasis(strategy: strategy, k: members.count, lambda: lambda, usedStrengthFallback: fallback)
        let table = ExpertScores.Table(owner: owner, skills: scored, costs: costs, predicted: predicted, seats: seats, basis: basis)
        return Recruitment(seats: team, scores: ExpertScores(table: table), usedStrengthFallback: count == 0 || fallback)
    }

    /// Relevance, strength, cost and weight of every candidate for these skills (no seats yet); with
    /// `predicted`, relevance is the predicted success and weight = predicted − λ × cost.
    public func score(skills: [String], costs: [Double] = [], predicted: [Double]? = nil) -> ExpertScores {
        withColumns(of: skills) { columns, scored in
            let costs = CandidateCosts(costs)
            let fallback = withNumbers(columns: columns, costs: costs, predicted: predicted) { $1 }
            let basis = RecruitmentBasis(strategy: strategy, k: k, lambda: lambda, usedStrengthFallback: fallback)
            let seats = SeatCounts(candidates: candidates.count)
            let owner = ScoreOwner(self)
            return ExpertScores(table: .init(owner: owner, skills: scored, costs: costs, predicted: predicted, seats: seats, basis: basis))
        }
    }

    /// The table column of a skill some profile scores; nil for any other skill.
    func column(of skill: String) -> Int? { columnOfSkill[skill] }

    /// Each candidate's expected cost for a prompt of `promptTokens`, from its pricing (0 without one).
    func expectedCosts(promptTokens: Int, into costs: UnsafeMutableBufferPointer<Double>) {
        for index in pricing.indices { costs[index] = pricing[index]?.expectedCost(promptTokens: promptTokens) ?? 0 }
    }

    /// Calls `body` with the table columns of the skills some profile scores, in order, and those skills
    /// (each its own term).
    private func withColumns<Result>(
        of skills: [String],
        _ body: (UnsafeBufferPointer<Int>, SkillMatches) -> Result
    ) -> Result {
        let scored = SkillMatches(skills.filter { columnOfSkill[$0] != nil }.map { LexicalSkillMatcher.SkillMatch(skill: $0, term: $0) })
        return withColumns(of: scored) { body($0, scored) }
    }

    /// Calls `body` with the table columns of `scored`, skills that some profile scores, in order.
    func withColumns<Result>(of scored: SkillMatches, _ body: (UnsafeBufferPointer<Int>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(scored.count, 1)) { buffer in
            var used = 0
            for match in scored {
                guard let column = columnOfSkill[match.skill] else { continue }
                buffer[used] = column
                used += 1
            }
            return body(UnsafeBufferPointer(rebasing: buffer[..<used]))
        }
    }

    /// Calls `body` with every candidate's relevance, weight and cost for the skills in `columns` (see
    /// `weigh`) and whether no matched skill applied. A recruitment and every later reading of its scores
    /// go through here, so the numbers read are those the team was drawn with.
    func withNumbers<Result>(
        columns: UnsafeBufferPointer<Int>,
        costs: CandidateCosts,
        predicted: [Double]?,
        _ body: (ExpertScores.Numbers, _ fallback: Bool) -> Result
    ) -> Result {
        let count = candidates.count
        // The closure reaches this recruiter unretained: retaining it would write to a counter that every
        // core deciding at once shares.
        let recruiter = Unmanaged.passUnretained(self)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: count * 3) { buffer in
            let relevance = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            let weights = UnsafeMutableBufferPointer(rebasing: buffer[count..<2 * count])
            let (costs, fallback) = recruiter._withUnsafeGuaranteedRef { recruiter in
                let costs = costs.values(of: recruiter, into: UnsafeMutableBufferPointer(rebasing: buffer[(2 * count)...]))
                return (costs, recruiter.weigh(columns: columns, costs: costs, predicted: predicted, relevance: relevance, weights: weights))
            }
            return body(
                ExpertScores.Numbers(relevance: UnsafeBufferPointer(relevance), weights: UnsafeBufferPointer(weights), costs: costs),
                fallback
            )
        }
    }

    /// Fills each candidate's relevance and weight for the skills in `columns`; with `predicted` (one per
    /// candidate), relevance is the predicted success and weight = predicted − λ × cost. Returns whether
    /// no matched skill applied.
    private func weigh(
        columns: UnsafeBufferPointer<Int>,
        costs: UnsafeBufferPointer<Double>,
        predicted: [Double]?,
        relevance: UnsafeMutableBufferPointer<Double>,
        weights: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let fallback = fill(relevance: relevance, weights: weights, columns: columns, costs: costs)
        guard let predicted, predicted.count == candidates.count else { return fallback }
        for index in predicted.indices {
            relevance[index] = predicted[index]
            weights[index] = predicted[index] - lambda * (index < costs.count ? costs[index] : 0)
        }
        return false
    }

    /// Fills each candidate's relevance and weight; returns whether no matched skill applied.
    private func fill(
        relevance: UnsafeMutableBufferPointer<Double>,
        weights: UnsafeMutableBufferPointer<Double>,
        columns: UnsafeBufferPointer<Int>,
        costs: UnsafeBufferPointer<Double>
    ) -> Bool {
        let count = candidates.count
        // Every column has some profile's score, so a matched skill applies as soon as there is a column.
        let applies = !columns.isEmpty
        // Column after column, so the inner loop reads one skill's contiguous row.
        if weighsCost {
            relevance.initialize(repeating: 0)
            for column in columns {
                let row = column * count
                for index in 0..<count {
                    let rate = rates[row + index]
                    relevance[index] += rate.isNaN ? globalRates[index] : rate
                }
            }
            for index in 0..<count {
                relevance[index] = columns.isEmpty ? globalRates[index] : relevance[index] / Double(columns.count)
                weights[index] = relevance[index] - lambda * (index < costs.count ? costs[index] : 0)
            }
            return !applies
        }
        summedScores.sumRows(columns, width: count, into: relevance)
        guard applies else {
            for index in 0..<count { weights[index] = normalisedStrengths[index] }
            return true
        }
        if let minimum = relevance.min(), minimum <= 0, !relevance.contains(where: { $0 > 0 }) {
            for index in 0..<count { relevance[index] += -minimum + 1 }
        }
        for index in 0..<count { weights[index] = relevance[index] > 0 ? relevance[index] * normalisedStrengths[index] : 0 }
        return false
    }
}
