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
    /// What the per-instance budget changed in the plan before any call, step by step (nil when nothing).
    public var downgrades: [String]?

    /// `instanceId` so that snake_case JSON (`instance_id`) round-trips.
    enum CodingKeys: String, CodingKey {
        case instanceID = "instanceId"
        case skills, role, recruitment, aggregator, seed, keywords, downgrades
    }

    /// The keywords the model extractor gave that no step mapped to the vocabulary.
    public var unmapped: [String] { keywords?.filter { $0.method == .unmapped }.map(\.keyword) ?? [] }

    public init(
        instanceID: String,
        skills: [LexicalSkillMatcher.SkillMatch],
        role: String?,
        recruitment: Recruitment,
        aggregator: String,
        seed: UInt64
    ) {
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

    /// Rare-expert replacement across a window's decisions: experts recruited for less than this share of
    /// them give their seats away (0 turns it off).
    public let replaceRareBelow: Double
    /// For the `learned` strategy: the router fitted on recorded outcomes, one column per registry expert.
    public let learned: LearnedRouting?
    /// The instance budget plans are fitted under before any call (nil: none).
    public let instanceBudget: Double?

    public init(
        registry: Registry,
        k: Int,
        strategy: RecruitmentStrategy,
        temperature: Double = 0.5,
        lambda: Double = 0,
        replaceRareBelow: Double = 0,
        learned: LearnedRouting? = nil,
        instanceBudget: Double? = nil,
        aggregator: String,
        seed: UInt64
    ) {
        self.registry = registry
        self.instanceBudget = instanceBudget
        self.learned = strategy == .learned ? learned : nil
        self.matcher = LexicalSkillMatcher(skills: registry.skills)
        self.recruiter = Recruiter(experts: registry.experts, k: k, strategy: strategy, temperature: temperature, lambda: lambda)
        self.replaceRareBelow = replaceRareBelow
        self.aggregator = aggregator
        self.seed = seed
    }

    /// The decision maker a loaded pipeline describes; `replacingRareExperts` false turns rare-expert
    /// replacement off (a profiling run, where every expert answers).
    public init(pipeline: LoadedPipeline, replacingRareExperts: Bool = true) {
        let spec = pipeline.spec
        self.init(
            registry: pipeline.registry,
            k: spec.k,
            strategy: spec.strategy,
            temperature: spec.temperature,
            lambda: spec.lambda,
            replaceRareBelow: replacingRareExperts ? spec.replaceRareBelow : 0,
            learned: pipeline.learned,
            instanceBudget: spec.budget.perInstance,
            aggregator: spec.aggregatorExpert,
            seed: spec.seed
        )
    }

    /// The skills found lexically in the instance: in its `category` (when the dataset gives one), then in
    /// its question and choices.
    public func skills(for instance: Instance) -> [LexicalSkillMatcher.SkillMatch] {
        let inText = matcher.match(instance.text, then: instance.choices)
        guard let category = instance.metadata["category"] else { return inText }
        var found = matcher.match(category)
        for match in inText where !found.contains(where: { $0.skill == match.skill }) { found.append(match) }
        return found
    }

    /// Recruits for the instance with the given skills (by default the lexical ones); every candidate's
    /// expected cost for this question is in the decision.
    public func decide(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        let skills = given ?? self.skills(for: instance)
        var rng = SeededGenerator(seed: seed, instanceID: instance.id)
        let tokens = Self.promptTokens(instance)
        let costs = registry.experts.map { $0.expectedCost(promptTokens: tokens) }
        let names = skills.map(\.skill)
        let predicted = learned?.predict(([instance.text] + instance.choices).joined(separator: " "))
        var recruitment = recruiter.recruit(skills: names, costs: costs, predicted: predicted, using: &rng)
        let role = registry.roleIndex(for: names).map { registry.roles[$0] }
        let downgrades = instanceBudget.map { fitPlan(&recruitment, under: $0, instance: instance, role: role) }
        var decision = Decision(
            instanceID: instance.id,
            skills: skills,
            role: role?.name,
            recruitment: recruitment,
            aggregator: aggregator,
            seed: seed
        )
        decision.downgrades = downgrades.flatMap { $0.isEmpty ? nil : $0 }
        return decision
    }

    /// Fits the plan under the instance budget (`BudgetDowngrade`) with each expert's call ceiling for
    /// this instance and an estimate of the aggregator's: answers of `max_tokens` × 4 bytes (the largest
    /// `max_tokens` of the registry), without its role's instructions. The engine's refusal at dispatch
    /// stays the hard limit.
    private func fitPlan(_ recruitment: inout Recruitment, under limit: Double, instance: Instance, role: Role?) -> [String] {
        var ceilings: [String: Double] = [:]
        for expert in registry.experts {
            ceilings[expert.id] = expert.costCeiling(messages: Prompts.expert(instance: instance, role: role, expert: expert))
        }
        let judge = registry.expert(aggregator)
        let answer = String(repeating: "x", count: 4 * (registry.experts.map(\.sampling.maxTokens).max() ?? 0))
        return BudgetDowngrade(limit: limit).apply(to: &recruitment, ceilings: ceilings) { answers in
            judge?.costCeiling(messages: Prompts.aggregation(instance: instance, responses: Array(repeating: answer, count: answers), role: nil)) ?? 0
        }
    }

    /// Hands the seats of rare experts to frequent ones across a window of fresh decisions, as the pipeline's
    /// `replace_rare_below` asks (`run` and `explain` both go through here); returns the rare experts.
    @discardableResult
    public func replaceRareExperts(in decisions: inout [Decision]) -> [String] {
        guard replaceRareBelow > 0 else { return [] }
        var recruitments = decisions.map(\.recruitment)
        let rare = RareExpertReplacement(minimumShare: replaceRareBelow).apply(to: &recruitments)
        for index in decisions.indices { decisions[index].recruitment = recruitments[index] }
        return rare
    }

    /// The decision of a profiling run: the same skills, but every expert of the registry answers once and
    /// nobody aggregates, so each expert's answers can be graded on their own.
    public func everyExpert(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        Decision(
            instanceID: instance.id,
            skills: given ?? skills(for: instance),
            role: nil,
            recruitment: Recruitment(team: registry.experts.map(\.id), scores: [], usedStrengthFallback: false),
            aggregator: "",
            seed: seed
        )
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

    /// The estimated tokens of the question and its choices, joined by spaces, without joining them.
    public static func promptTokens(_ instance: Instance) -> Int {
        var bytes = instance.text.utf8.count + 1
        for choice in instance.choices { bytes += choice.utf8.count }
        bytes += max(0, instance.choices.count - 1)
        return TokenEstimate.tokens(bytes: bytes)
    }
}
