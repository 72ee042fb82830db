/// Everything the recruiter knows about one candidate expert for one instance.
///
/// The reason in words is derived from the numbers and the recruiter's settings (`basis`) when it is
/// read, so deciding costs no string formatting; a note (rare-expert replacement, or a reason read back
/// from the store) takes its place when set.
///
/// ```swift
/// let score = recruitment.scores[0]
/// print(score.expert, score.relevanceBySkill["algebra"] ?? 0, score.weight, score.reason)
/// ```
public struct ExpertScore: Sendable, Hashable, Codable {
    public var expert: String
    /// Profile score per matched skill of the instance.
    public var relevanceBySkill: SkillScores
    /// Σ of `relevanceBySkill`, shifted to be positive when no expert had a positive relevance; for
    /// `cost-aware`, the expected correctness (mean of (correct − wrong) / answered over the skills, −1…1).
    public var relevance: Double
    /// Global strength after temperature normalisation.
    public var strength: Double
    /// relevance × strength, the sampling weight (0 means not eligible); for `cost-aware`, relevance −
    /// λ · cost.
    public var weight: Double
    /// The expected cost of the expert's call for this instance (0 when not estimated).
    public var cost: Double
    /// How many of the k seats this expert got.
    public var seats: Int
    /// How the recruiter weighed the candidates: what `reason` is derived from.
    public var basis: RecruitmentBasis
    /// Words that replace the derived reason; nil for a fresh decision.
    public var note: String?

    /// Why it was or was not picked, in words.
    public var reason: String {
        get { note ?? basis.reason(for: self) }
        set { note = newValue }
    }

    public init(
        expert: String,
        relevanceBySkill: SkillScores,
        relevance: Double,
        strength: Double,
        weight: Double,
        cost: Double = 0,
        seats: Int,
        basis: RecruitmentBasis
    ) {
        self.expert = expert
        self.relevanceBySkill = relevanceBySkill
        self.relevance = relevance
        self.strength = strength
        self.weight = weight
        self.cost = cost
        self.seats = seats
        self.basis = basis
    }

    /// A score with its reason given in words.
    public init(
        expert: String,
        relevanceBySkill: SkillScores,
        relevance: Double,
        strength: Double,
        weight: Double,
        cost: Double = 0,
        seats: Int,
        reason: String
    ) {
        self.init(
            expert: expert,
            relevanceBySkill: relevanceBySkill,
            relevance: relevance,
            strength: strength,
            weight: weight,
            cost: cost,
            seats: seats,
            basis: RecruitmentBasis()
        )
        note = reason
    }

    enum CodingKeys: String, CodingKey { case expert, relevanceBySkill, relevance, strength, weight, cost, seats, reason }

    /// Reads the stored form; decisions stored before `cost` existed read back with a cost of 0, and the
    /// stored reason is kept as it was written.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            expert: try container.decode(String.self, forKey: .expert),
            relevanceBySkill: try container.decode(SkillScores.self, forKey: .relevanceBySkill),
            relevance: try container.decode(Double.self, forKey: .relevance),
            strength: try container.decode(Double.self, forKey: .strength),
            weight: try container.decode(Double.self, forKey: .weight),
            cost: try container.decodeIfPresent(Double.self, forKey: .cost) ?? 0,
            seats: try container.decode(Int.self, forKey: .seats),
            reason: try container.decode(String.self, forKey: .reason)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(expert, forKey: .expert)
        try container.encode(relevanceBySkill, forKey: .relevanceBySkill)
        try container.encode(relevance, forKey: .relevance)
        try container.encode(strength, forKey: .strength)
        try container.encode(weight, forKey: .weight)
        try container.encode(cost, forKey: .cost)
        try container.encode(seats, forKey: .seats)
        try container.encode(reason, forKey: .reason)
    }

    /// Two scores are equal when everything they say is, the reason in words included.
    public static func == (lhs: ExpertScore, rhs: ExpertScore) -> Bool {
        lhs.expert == rhs.expert && lhs.relevanceBySkill == rhs.relevanceBySkill && lhs.relevance == rhs.relevance
            && lhs.strength == rhs.strength && lhs.weight == rhs.weight && lhs.cost == rhs.cost && lhs.seats == rhs.seats
            && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expert)
        hasher.combine(relevance)
        hasher.combine(weight)
        hasher.combine(seats)
    }
}

/// The recruiter's settings a candidate's reason is told from: strategy, seats, λ, and whether the
/// instance fell back to global strength.
public struct RecruitmentBasis: Sendable, Hashable {
    public var strategy: RecruitmentStrategy
    public var k: Int
    public var lambda: Double
    public var usedStrengthFallback: Bool

    public init(strategy: RecruitmentStrategy = .symbolic, k: Int = 1, lambda: Double = 0, usedStrengthFallback: Bool = false) {
        self.strategy = strategy
        self.k = k
        self.lambda = lambda
        self.usedStrengthFallback = usedStrengthFallback
    }

    /// Why `score` was or was not picked, in words.
    func reason(for score: ExpertScore) -> String {
        let selection = strategy.selection
        let basis: String
        if strategy == .learned {
            basis =
                "predicted success \(Self.format(score.relevance)) on similar recorded questions − λ \(Self.format(lambda)) × cost \(Self.format(score.cost, digits: 8)) = \(Self.format(score.weight))"
        } else if selection.weighting == .correctnessMinusCost {
            basis =
                "expected correctness \(Self.format(score.relevance)) − λ \(Self.format(lambda)) × cost \(Self.format(score.cost, digits: 8)) = \(Self.format(score.weight))"
        } else if usedStrengthFallback {
            basis = "no matched skill in its profile; weighted by global strength"
        } else {
            basis = "relevance \(Self.format(score.relevance)) × strength \(Self.format(score.strength))"
        }
        if score.seats > 0 { return "recruited for \(score.seats) of \(k) seats: \(basis)" }
        if selection.weighting == .relevanceTimesStrength, score.weight <= 0 {
            return "not eligible: relevance \(Self.format(score.relevance)) is not positive"
        }
        return "\(selection.missed(k: k)): \(basis)"
    }

    private static func format(_ value: Double, digits: Int = 3) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        guard rounded.isFinite else { return String(value) }
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }
}
