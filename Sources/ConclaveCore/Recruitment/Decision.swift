/// What Conclave decided for one instance, and why: the matched skills, the role, every candidate's score,
/// the team, the aggregator and the seed that reproduces the draw.
public struct Decision: Sendable, Hashable, Codable {
    public var instanceID: String
    public var skills: SkillMatches
    public var role: String?
    public var recruitment: Recruitment
    public var aggregator: String
    public var seed: UInt64
    /// With a model extractor: every consistent keyword and how it was mapped (nil for the lexical extractor).
    public var keywords: [KeywordMapping]?
    /// What the per-instance budget changed in the plan before any call, step by step (nil when nothing).
    public var downgrades: [String]?
    /// The mode, rounds, agents and roles (nil in decisions stored before modes: an ensemble of the team).
    public var collaboration: Collaboration?
    /// How the mode was chosen, for `explain` (nil when the pipeline's default applied).
    public var modeChoice: ModeChoice?
    /// Experts that failed and the next-ranked expert that took their place, step by step (the
    /// OpenAI-compatible endpoint's fallbacks; nil when none).
    public var fallbacks: [String]?

    /// `instanceId` so that snake_case JSON (`instance_id`) round-trips.
    enum CodingKeys: String, CodingKey {
        case instanceID = "instanceId"
        case skills, role, recruitment, aggregator, seed, keywords, downgrades, collaboration, modeChoice, fallbacks
    }

    /// The collaboration the instance runs: the stored one, or the plain ensemble of the team.
    public var plan: Collaboration { collaboration ?? .ensemble(team: recruitment.team, role: role) }

    /// The keywords the model extractor gave that no step mapped to the vocabulary.
    public var unmapped: [String] { keywords?.filter { $0.method == .unmapped }.map(\.keyword) ?? [] }
}

extension Decision {
    /// A decision with these parts. (Declared in an extension, so that the module keeps the memberwise
    /// initializer, which builds a decision without copying it.)
    public init(
        instanceID: String,
        skills: SkillMatches,
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
public final class DecisionMaker: Sendable {
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
    /// The instance's token budget, likewise.
    public let instanceTokenBudget: Int?
    /// The mode, rounds, agents and downgrade order plans are made with.
    public let collaboration: CollaborationSpec
    /// The learned mode policy, when the pipeline names one (a pinned mode overrides it).
    public let modePolicy: ModePolicy?
    /// Exploration of modes, when the run asks for it.
    public let exploration: ModeExploration?
    /// Roles per seat and the expert per role.
    public let allocation: RoleAllocation
    /// The recruiter's and the role allocation's place of every skill and expert.
    private let resolution: SkillResolution
    /// `recruiter`, reached without retaining it (it lives as long as this decision maker).
    private let unretainedRecruiter: Unmanaged<Recruiter>
    /// What keeps `recruiter` alive for the scores of the decisions each thread makes.
    private let scoreOwners: ThreadCopies<ScoreOwner>
    /// `aggregator`, copied per thread slot (every decision holds it).
    private let aggregatorCopies: ThreadCopies<String>

    public init(
        registry: Registry,
        k: Int,
        strategy: RecruitmentStrategy,
        temperature: Double = 0.5,
        lambda: Double = 0,
        replaceRareBelow: Double = 0,
        learned: LearnedRouting? = nil,
        instanceBudget: Double? = nil,
        instanceTokenBudget: Int? = nil,
        collaboration: CollaborationSpec = .ensemble,
        modePolicy: ModePolicy? = nil,
        aggregator: String,
        seed: UInt64
    ) {
        self.modePolicy = modePolicy
        self.allocation = RoleAllocation(registry: registry)
        self.exploration = collaboration.explore > 0 ? ModeExploration(epsilon: collaboration.explore, seed: seed) : nil
        self.registry = registry
        self.instanceBudget = instanceBudget
        self.instanceTokenBudget = instanceTokenBudget
        self.collaboration = collaboration
        self.learned = strategy == .learned ? learned : nil
        self.matcher = LexicalSkillMatcher(skills: registry.skills)
        self.recruiter = Recruiter(experts: registry.experts, k: k, strategy: strategy, temperature: temperature, lambda: lambda)
        self.replaceRareBelow = replaceRareBelow
        self.aggregator = aggregator
        self.seed = seed
        self.resolution = SkillResolution(matcher: matcher, recruiter: recruiter, allocation: allocation)
        self.unretainedRecruiter = Unmanaged.passUnretained(recruiter)
        let recruiter = self.recruiter  // a local: the closure may not capture `self` before init ends
        self.scoreOwners = ThreadCopies { ScoreOwner(recruiter) }
        self.aggregatorCopies = ThreadCopies { aggregator.withOwnStorage }
    }

    /// The decision maker a loaded pipeline describes; `replacingRareExperts` false turns rare-expert
    /// replacement off (a profiling run, where every expert answers).
    public convenience init(pipeline: LoadedPipeline, replacingRareExperts: Bool = true) {
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
            instanceTokenBudget: spec.budget.perInstanceTokens,
            collaboration: spec.collaboration,
            modePolicy: pipeline.modePolicy,
            aggregator: spec.aggregatorExpert,
            seed: spec.seed
        )
    }

    /// The skills found lexically in the instance: in its `category` (when the dataset gives one), then in
    /// its question and choices.
    public func skills(for instance: Instance) -> SkillMatches {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: matcher.skillNames.count) { skills(for: instance, skillIDs: $0) }
    }

    /// `skills(for:)`, writing each skill's id in the matcher to `ids` (room for every skill).
    private func skills(for instance: Instance, skillIDs ids: UnsafeMutableBufferPointer<Int32>) -> SkillMatches {
        // (`isEmpty` first: looking a key up hashes it, even in an empty dictionary.)
        guard !instance.metadata.isEmpty, let category = instance.metadata["category"] else {
            return matcher.match(instance.text, then: instance.choices, skillIDs: ids)
        }
        let inCategory = matcher.match(category, then: [], skillIDs: ids)
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: ids.count) { inTextIDs in
            let inText = matcher.match(instance.text, then: instance.choices, skillIDs: inTextIDs)
            var count = inCategory.count
            return inCategory.appending(inText) { offset in
                guard !ids[..<count].contains(inTextIDs[offset]) else { return false }
                ids[count] = inTextIDs[offset]
                count += 1
                return true
            }
        }
    }

    /// Decides for the instance with the given skills (by default the lexical ones), step by step down the
    /// cascade: the mode, how many agents it seats, the team (every candidate's expected cost for this
    /// question is in the decision), a role per seat and the expert per role; then the plan is fitted under
    /// the instance budget.
    public func decide(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        decide(for: instance, skills: given.map(SkillMatches.init) ?? skills(for: instance))
    }

    /// `decide(for:skills:)` with the skills as held: the matcher's packed in a fresh decision, which the
    /// resolution reads by phrase index. (The skills are taken, not copied: the decision keeps them.)
    @inline(__always)
    private func decide(for instance: Instance, skills: consuming SkillMatches) -> Decision {
        var rng = SeededGenerator(seed: seed, instanceID: instance.id)
        let predicted = learned?.predict(([instance.text] + instance.choices).joined(separator: " "))
        // Only a mode policy reads the skills' names.
        let choice = chooseMode(for: instance, skills: modePolicy == nil ? [] : skills.map(\.skill))
        let mode = choice.mode
        let seats = mode.agentCount(k: collaboration.agents ?? recruiter.k)
        let tokens = Self.promptTokens(instance)
        // The closures reach this decision maker through an unretained reference: it outlives the call,
        // and retaining it (or an array it holds) would write to a counter that every core deciding at
        // once shares.
        let maker = Unmanaged.passUnretained(self)
        let (recruited, agents) = resolution.resolve(skills) { resolved in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, seats)) { members in
                maker._withUnsafeGuaranteedRef { maker in
                    var recruitment = maker.unretainedRecruiter._withUnsafeGuaranteedRef { recruiter in
                        recruiter.recruit(
                            columns: resolved.columns,
                            scored: resolved.scored ?? copy skills,
                            costs: .priced(promptTokens: tokens),
                            predicted: predicted,
                            members: members,
                            owner: maker.scoreOwners.current,
                            using: &rng
                        )
                    }
                    let agents = maker.seat(&recruitment, members: members, positions: resolved.positions, skills: skills)
                    return (recruitment, agents)
                }
            }
        }
        let role = agents.count > 0 ? agents.role(ofSeat: 0) : nil
        var plan = Collaboration(mode: mode, rounds: collaboration.rounds(for: mode), finish: collaboration.finish(for: mode), seated: consume agents)
        let downgrades = instanceBudget != nil || instanceTokenBudget != nil ? fit(&plan, instance: instance, scores: recruited.scores) : nil
        // A downgrade may change who holds the seats.
        let recruitment = downgrades == nil ? consume recruited : Self.seating(plan.team, in: consume recruited)
        let steps = downgrades.flatMap { $0.isEmpty ? nil : $0 }
        return Decision(
            instanceID: instance.id,
            skills: skills,
            role: role,
            recruitment: recruitment,
            aggregator: aggregatorCopies.current,
            seed: seed,
            downgrades: steps,
            collaboration: consume plan,
            modeChoice: choice
        )
    }

    /// A role per seat of the recruitment's team (`members` its candidates, `positions` the skills' places
    /// in the role allocation), the team reordered to follow the roles: agent s is the expert in seat s.
    private func seat(
        _ recruitment: inout Recruitment,
        members: UnsafeMutableBufferPointer<Int>,
        positions: UnsafeBufferPointer<Int>,
        skills: SkillMatches
    ) -> AgentSeats {
        let seats = recruitment.seats.count
        let seated = UnsafeMutableBufferPointer(rebasing: members[..<seats])
        resolution.registryIndices(of: seated)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: seats + 1) { order in
            allocation.arrange(
                seats: seats,
                members: UnsafeBufferPointer(seated),
                positions: positions,
                order: order,
                domainRole: { registry.roleIndex(for: skills.map(\.skill)) }
            ) { roles in
                // Roles only reorder the seats: seat s takes the member that its agent came from.
                recruitment.seats.reorder(UnsafeBufferPointer(rebasing: order[..<seats]))
                return AgentSeats(team: recruitment.seats, roles: roles, names: allocation.threadRoleNames)
            }
        }
    }

    /// The recruitment with `team` holding the seats.
    private static func seating(_ team: [String], in recruitment: consuming Recruitment) -> Recruitment {
        recruitment.seat(team)
        return recruitment
    }

    /// The cascade's first step: the pinned mode, else the policy's best, else the pipeline's; then, under
    /// exploration, possibly another mode drawn at random, with the probability the choice had.
    public func chooseMode(for instance: Instance, skills: [String]) -> ModeChoice {
        var choice = ModeChoice(source: .pipeline, mode: collaboration.mode)
        if collaboration.pinned {
            choice.source = .pinned
        } else if let modePolicy, let best = modePolicy.choose(for: skills) {
            choice = ModeChoice(source: .policy, mode: best, options: modePolicy.options(for: skills))
        }
        guard let exploration else { return choice }
        let drawn = exploration.choose(preferred: choice.mode, instanceID: instance.id)
        if drawn.explored { choice.source = .explored }
        choice.mode = drawn.mode
        choice.probability = drawn.probability
        return choice
    }

    /// Fits the plan under the instance's money and token budgets (`BudgetDowngrade`, in the pipeline's
    /// order) with each call's ceiling for this instance: every earlier answer a call is shown, and the
    /// aggregator's, taken as `max_tokens` × 4 bytes (the largest `max_tokens` of the registry). The
    /// engine's refusal at dispatch stays the hard limit.
    private func fit(_ plan: inout Collaboration, instance: Instance, scores: ExpertScores) -> [String] {
        let answer = String(repeating: "x", count: 4 * (registry.experts.map(\.sampling.maxTokens).max() ?? 0))
        var ceilings: [String: Spend] = [:]
        for expert in registry.experts {
            ceilings[expert.id] = expert.ceiling(messages: Prompts.expert(instance: instance, role: nil, expert: expert))
        }
        let judge = registry.expert(aggregator)
        func spend(of plan: Collaboration) -> Spend {
            var total = Spend.zero
            for round in 0..<plan.roundCount {
                for agent in plan.agents(inRound: round) {
                    guard let expert = registry.expert(agent.expert) else { continue }
                    let inputs = plan.inputs(round: round, seat: agent.seat).map {
                        Contribution(round: $0.round, seat: $0.seat, role: nil, text: answer)
                    }
                    let role = agent.role.flatMap(registry.role(named:))
                    total =
                        total
                        + expert.ceiling(
                            messages: Prompts.agent(
                                instance: instance,
                                turn: plan.turn(round: round),
                                seat: agent.seat,
                                role: role,
                                expert: expert,
                                inputs: inputs
                            )
                        )
                }
            }
            if plan.finish == .aggregator, let judge {
                let answers = Array(repeating: answer, count: plan.finalSlots.count)
                total = total + judge.ceiling(messages: Prompts.aggregation(instance: instance, responses: answers, role: nil))
            }
            return total
        }
        let weights = Dictionary(scores.map { ($0.expert, $0.weight) }, uniquingKeysWith: { first, _ in first })
        var steps: [String] = []
        if let limit = instanceBudget {
            steps += BudgetDowngrade(limit: limit, order: collaboration.downgradeOrder, settings: collaboration, unit: .money)
                .apply(to: &plan, weights: weights, ceilings: ceilings.mapValues(\.cost)) { spend(of: $0).cost }
        }
        if let limit = instanceTokenBudget {
            steps += BudgetDowngrade(limit: Double(limit), order: collaboration.downgradeOrder, settings: collaboration, unit: .tokens)
                .apply(to: &plan, weights: weights, ceilings: ceilings.mapValues { Double($0.tokens) }) { Double(spend(of: $0).tokens) }
        }
        return steps
    }

    /// Hands the seats of rare experts to frequent ones across a window of fresh decisions, as the pipeline's
    /// `replace_rare_below` asks (`run` and `explain` both go through here); returns the rare experts.
    @discardableResult
    public func replaceRareExperts(in decisions: inout [Decision]) -> [String] {
        guard replaceRareBelow > 0 else { return [] }
        var recruitments = decisions.map(\.recruitment)
        let rare = RareExpertReplacement(minimumShare: replaceRareBelow).apply(to: &recruitments)
        for index in decisions.indices {
            decisions[index].recruitment = recruitments[index]
            // Seats keep their places, so each agent takes the expert now in its seat.
            let team = recruitments[index].team
            if var plan = decisions[index].collaboration, plan.agentCount == team.count {
                var agents = plan.agents
                for seat in agents.indices { agents[seat].expert = team[seat] }
                plan.agents = agents
                decisions[index].collaboration = plan
            }
        }
        return rare
    }

    /// The decision of a profiling run: the same skills, but every expert of the registry answers once and
    /// nobody aggregates, so each expert's answers can be graded on their own.
    public func everyExpert(for instance: Instance, skills given: [LexicalSkillMatcher.SkillMatch]? = nil) -> Decision {
        Decision(
            instanceID: instance.id,
            skills: given.map(SkillMatches.init) ?? skills(for: instance),
            role: nil,
            recruitment: Recruitment(team: registry.experts.map(\.id), scores: [], usedStrengthFallback: false),
            aggregator: "",
            seed: seed
        )
    }

    /// The decision with the model extractor's keywords, kept in it; the skills are those its keywords map
    /// to, or the lexical ones when none maps (or when there is no extraction).
    public func decide(for instance: Instance, extraction: SkillExtraction?, everyExpert: Bool = false) -> Decision {
        guard let extraction else { return everyExpert ? self.everyExpert(for: instance) : decide(for: instance) }
        let mapped = SkillMapper.skills(from: extraction.keywords)
        let skills = mapped.isEmpty ? nil : mapped
        var decision = everyExpert ? self.everyExpert(for: instance, skills: skills) : decide(for: instance, skills: skills)
        decision.keywords = extraction.keywords
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
