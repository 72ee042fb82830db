/// How a team of k experts is drawn from the weighted candidates.
public enum RecruitmentStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Symbolic-MoE: k draws with replacement, probability proportional to relevance × strength.
    case symbolic
    /// The k best distinct experts by weight (deterministic).
    case topK = "top-k"
}

/// Everything the recruiter knows about one candidate expert for one instance.
public struct ExpertScore: Sendable, Hashable, Codable {
    public var expert: String
    /// Profile score per matched skill of the instance.
    public var relevanceBySkill: [String: Double]
    /// Σ of `relevanceBySkill`, shifted to be positive when no expert had a positive relevance.
    public var relevance: Double
    /// Global strength after temperature normalisation.
    public var strength: Double
    /// relevance × strength; the sampling weight (0 means not eligible).
    public var weight: Double
    /// How many of the k seats this expert got.
    public var seats: Int
    /// Why it was or was not picked, in words.
    public var reason: String

    public init(expert: String, relevanceBySkill: [String: Double], relevance: Double, strength: Double, weight: Double,
                seats: Int, reason: String) {
        self.expert = expert
        self.relevanceBySkill = relevanceBySkill
        self.relevance = relevance
        self.strength = strength
        self.weight = weight
        self.seats = seats
        self.reason = reason
    }
}

/// The outcome of recruiting for one instance: the team (an expert may hold several seats when sampled
/// with replacement) and the score of every candidate.
public struct Recruitment: Sendable, Hashable, Codable {
    public var team: [String]
    public var scores: [ExpertScore]
    /// True when no matched skill applied and the recruiter fell back to global strength.
    public var usedStrengthFallback: Bool

    public init(team: [String], scores: [ExpertScore], usedStrengthFallback: Bool) {
        self.team = team
        self.scores = scores
        self.usedStrengthFallback = usedStrengthFallback
    }
}

/// Recruits k experts for an instance from their profiles (Symbolic-MoE): relevance(e) = Σ profile[e][skill]
/// over the instance's skills, keep positive relevance (shift all when none is positive), weight =
/// relevance × normalised strength; then sample or take the top k. With no matched skill, weight = strength.
///
/// ```swift
/// let recruiter = Recruiter(experts: registry.experts, k: 3, strategy: .symbolic)
/// var rng = SeededGenerator(seed: 7, instanceID: instance.id)
/// let recruitment = recruiter.recruit(skills: ["algebra"], using: &rng)
/// ```
public struct Recruiter: Sendable {
    public let candidates: [Expert]
    public let k: Int
    public let strategy: RecruitmentStrategy
    /// Normalised strengths, aligned with `candidates`.
    public let strengths: [Double]

    public init(experts: [Expert], k: Int, strategy: RecruitmentStrategy, temperature: Double = 0.5) {
        precondition(k > 0, "k must be positive")
        precondition(!experts.isEmpty, "recruiting needs at least one expert")
        self.candidates = experts
        self.k = k
        self.strategy = strategy
        self.strengths = StrengthNormalizer(temperature: temperature).normalize(experts.map(\.profile.strength))
    }

    public func recruit<G: RandomNumberGenerator>(skills: [String], using rng: inout G) -> Recruitment {
        var scores = score(skills: skills)
        let fallback = skills.isEmpty || scores.allSatisfy { $0.relevanceBySkill.isEmpty }
        let seats: [Int]
        switch strategy {
        case .symbolic: seats = sample(weights: scores.map(\.weight), using: &rng)
        case .topK: seats = topK(weights: scores.map(\.weight))
        }
        for seat in seats { scores[seat].seats += 1 }
        for index in scores.indices { scores[index].reason = reason(for: scores[index], fallback: fallback) }
        return Recruitment(team: seats.map { candidates[$0].id }, scores: scores, usedStrengthFallback: fallback)
    }

    /// Relevance, strength and weight of every candidate for these skills.
    public func score(skills: [String]) -> [ExpertScore] {
        var scores = candidates.indices.map { index -> ExpertScore in
            let profile = candidates[index].profile.skills
            var bySkill: [String: Double] = [:]
            for skill in skills { if let value = profile[skill] { bySkill[skill] = value } }
            return ExpertScore(expert: candidates[index].id, relevanceBySkill: bySkill,
                               relevance: bySkill.values.reduce(0, +), strength: strengths[index],
                               weight: 0, seats: 0, reason: "")
        }
        let noSkillApplies = scores.allSatisfy { $0.relevanceBySkill.isEmpty }
        if noSkillApplies {
            for index in scores.indices { scores[index].weight = scores[index].strength }
            return scores
        }
        if let minimum = scores.map(\.relevance).min(), !scores.contains(where: { $0.relevance > 0 }) {
            for index in scores.indices { scores[index].relevance += -minimum + 1 }
        }
        for index in scores.indices where scores[index].relevance > 0 {
            scores[index].weight = scores[index].relevance * scores[index].strength
        }
        return scores
    }

    /// k indices drawn with replacement, probability ∝ weight; uniform when every weight is zero.
    func sample<G: RandomNumberGenerator>(weights: [Double], using rng: inout G) -> [Int] {
        let total = weights.reduce(0, +)
        return (0..<k).map { _ in
            guard total > 0 else { return Int.random(in: 0..<weights.count, using: &rng) }
            var point = Double.random(in: 0..<total, using: &rng)
            for (index, weight) in weights.enumerated() where weight > 0 {
                if point < weight { return index }
                point -= weight
            }
            return weights.lastIndex { $0 > 0 }!
        }
    }

    /// The k heaviest distinct indices (fewer when fewer have positive weight; ties by declaration order).
    func topK(weights: [Double]) -> [Int] {
        let ranked = weights.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
        let eligible = ranked.filter { weights[$0] > 0 }
        return Array((eligible.isEmpty ? ranked : eligible).prefix(k))
    }

    private func reason(for score: ExpertScore, fallback: Bool) -> String {
        let basis = fallback ? "no matched skill in its profile; weighted by global strength" : "relevance \(format(score.relevance)) × strength \(format(score.strength))"
        if score.seats > 0 { return "recruited for \(score.seats) of \(k) seats: \(basis)" }
        if score.weight <= 0 { return "not eligible: relevance \(format(score.relevance)) is not positive" }
        return strategy == .topK ? "not in the top \(k): \(basis)" : "not drawn: \(basis)"
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
