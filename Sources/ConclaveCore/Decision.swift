/// What Conclave decided for one instance, and why: the matched skills, the role, every candidate's score,
/// the team, the aggregator and the seed that reproduces the draw.
public struct Decision: Sendable, Hashable, Codable {
    public var instanceID: String
    public var skills: [LexicalSkillMatcher.SkillMatch]
    public var role: String?
    public var recruitment: Recruitment
    public var aggregator: String
    public var seed: UInt64

    /// `instanceId` so that snake_case JSON (`instance_id`) round-trips.
    enum CodingKeys: String, CodingKey {
        case instanceID = "instanceId", skills, role, recruitment, aggregator, seed
    }

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

    public func decide(for instance: Instance) -> Decision {
        let text = instance.text + " " + instance.choices.joined(separator: " ")
        let skills = matcher.match(text)
        var rng = SeededGenerator(seed: seed, instanceID: instance.id)
        var costs: [Double] = []
        if recruiter.strategy == .costAware {
            let tokens = TokenEstimate.tokens(in: text)
            costs = registry.experts.map { $0.expectedCost(promptTokens: tokens) }
        }
        let recruitment = recruiter.recruit(skills: skills.map(\.skill), costs: costs, using: &rng)
        return Decision(instanceID: instance.id, skills: skills, role: registry.role(for: skills.map(\.skill))?.name,
                        recruitment: recruitment, aggregator: aggregator, seed: seed)
    }
}
