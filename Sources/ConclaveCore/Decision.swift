/// What Conclave decided for one instance, and why: the matched skills, the role, every candidate's score,
/// the team, the aggregator and the seed that reproduces the draw.
public struct Decision: Sendable, Hashable, Codable {
    public var instanceID: String
    public var skills: [LexicalSkillMatcher.SkillMatch]
    public var role: String?
    public var recruitment: Recruitment
    public var aggregator: String
    public var seed: UInt64
    /// With a model extractor: every consistent keyword and how it was mapped (nil for the lexical extractor).
    public var keywords: [KeywordMapping]?

    /// `instanceId` so that snake_case JSON (`instance_id`) round-trips.
    enum CodingKeys: String, CodingKey {
        case instanceID = "instanceId", skills, role, recruitment, aggregator, seed, keywords
    }

    /// The keywords the model extractor gave that no step mapped to the vocabulary.
    public var unmapped: [String] { keywords?.filter { $0.method == .unmapped }.map(\.keyword) ?? [] }

    public init(instanceID: String, skills: [LexicalSkillMatcher.SkillMatch], role: String?,
                recruitment: Recruitment, aggregator: String, seed: UInt64) {
        self.instanceID = instanceID
        self.skills = skills
        self.role = role
        self.recruitment = recruitment
        self.aggregator = aggregator
        self.seed = seed
    }
}

/// Makes the decision for each instance: lexical skill match, role choice, recruitment with an
/// instance-seeded generator. Pure: the same registry, settings and seed give the same decisions.
///
/// ```swift
/// let decider = DecisionMaker(registry: registry, k: 3, strategy: .symbolic, aggregator: "smollm2-judge", seed: 42)
/// let decision = decider.decide(for: instance)
/// ```
public struct DecisionMaker: Sendable {
    public let registry: Registry
    public let matcher: LexicalSkillMatcher
    public let recruiter: Recruiter
    public let aggregator: String
    public let seed: UInt64

    public init(registry: Registry, k: Int, strategy: RecruitmentStrategy, temperature: Double = 0.5, lambda: Double = 0,
                aggregator: String, seed: UInt64) {
        self.registry = registry
        self.matcher = LexicalSkillMatcher(skills: registry.skills)
        self.recruiter = Recruiter(experts: registry.experts, k: k, strategy: strategy, temperature: temperature, lambda: lambda)
        self.aggregator = aggregator
        self.seed = seed
    }

    /// The skills found lexically in the instance: in its `category` (when the dataset gives one), then in
    /// its question and choices.
    public func skills(for instance: Instance) -> [LexicalSkillMatcher.SkillMatch] {
        var found = instance.metadata["category"].map(matcher.match) ?? []
        for match in matcher.match(Self.matchedText(instance)) where !found.contains(where: { $0.skill == match.skill }) {
            found.append(match)
        }
        return found
    }

    /// Recruits for the instance with the given skills (by default the lexical ones).
    public func decide(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        let skills = given ?? self.skills(for: instance)
        var rng = SeededGenerator(seed: seed, instanceID: instance.id)
        var costs: [Double] = []
        if recruiter.strategy == .costAware {
            let tokens = TokenEstimate.tokens(in: Self.matchedText(instance))
            costs = registry.experts.map { $0.expectedCost(promptTokens: tokens) }
        }
        let recruitment = recruiter.recruit(skills: skills.map(\.skill), costs: costs, using: &rng)
        return Decision(instanceID: instance.id, skills: skills, role: registry.role(for: skills.map(\.skill))?.name,
                        recruitment: recruitment, aggregator: aggregator, seed: seed)
    }

    /// The decision of a profiling run: the same skills, but every expert of the registry answers once and
    /// nobody aggregates, so each expert's answers can be graded on their own.
    public func everyExpert(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        Decision(instanceID: instance.id, skills: given ?? skills(for: instance), role: nil,
                 recruitment: Recruitment(team: registry.experts.map(\.id), scores: [], usedStrengthFallback: false),
                 aggregator: "", seed: seed)
    }

    /// The decision with the model extractor's keywords, kept in it; the skills are those its keywords map
    /// to, or the lexical ones when none maps (or when there is no extraction).
    public func decide(for instance: Instance, extraction: SkillExtraction?, everyExpert: Bool = false) -> Decision {
        let mapped = extraction.map { SkillMapper.skills(from: $0.keywords) } ?? []
        let skills = mapped.isEmpty ? nil : mapped
        var decision = everyExpert ? self.everyExpert(for: instance, skills: skills) : decide(for: instance, skills: skills)
        decision.keywords = extraction?.keywords
        return decision
    }

    /// The question and its choices: where skills are looked for.
    static func matchedText(_ instance: Instance) -> String {
        instance.text + " " + instance.choices.joined(separator: " ")
    }
}
