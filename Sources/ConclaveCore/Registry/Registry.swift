/// A named competence such as `algebra`, with the aliases that reveal it in text and the domain it belongs to.
///
/// ```swift
/// let skill = Skill(name: "algebra", aliases: ["equation", "solve for x"], domain: "mathematics")
/// ```
public struct Skill: Sendable, Hashable, Codable {
    public var name: String
    public var aliases: [String]
    public var domain: String

    public init(name: String, aliases: [String] = [], domain: String) {
        self.name = name
        self.aliases = aliases
        self.domain = domain
    }
}

/// A persona with instructions (`Mathematician`, `Critic`), declared for one domain in its `Skills/*.yaml`
/// file; `skills` say which instances it suits best.
///
/// ```yaml
/// roles:
///   - name: Critic
///     description: Checks another answer for errors.
///     instructions: Find the first mistake in the answer you are shown, if there is one.
///     output_format: "Verdict: correct or incorrect, then one sentence."
///     skills: [algebra]
/// ```
public struct Role: Sendable, Hashable, Codable {
    public var name: String
    public var domain: String
    /// What the role is for, in a sentence (for people reading `explain`; not sent to models).
    public var description: String?
    public var instructions: String
    /// How the role's answers must be laid out, added to its instructions in every prompt.
    public var outputFormat: String?
    public var skills: [String]

    public init(
        name: String,
        domain: String,
        description: String? = nil,
        instructions: String,
        outputFormat: String? = nil,
        skills: [String] = []
    ) {
        self.name = name
        self.domain = domain
        self.description = description
        self.instructions = instructions
        self.outputFormat = outputFormat
        self.skills = skills
    }

    /// The instructions a prompt gives: the role's instructions, then its output format when it has one.
    public var promptInstructions: String {
        outputFormat.map { "\(instructions)\n\nOutput format: \($0)" } ?? instructions
    }
}

/// What an expert is measured to be good at: a score per skill, a global strength and an aggregator score.
///
/// A measured profile (built by `ProfileBuilder` from a graded validation run) also says how many
/// questions of each skill the expert answered and its overall rate; a hand-set prior has neither. The
/// global strength defaults to the sum of the skill scores, as in Symbolic-MoE.
///
/// ```swift
/// let prior = Profile(skills: ["algebra": 3, "geometry": 1])            // strength 4
/// let measured = Profile(skills: ["algebra": 2], answered: ["algebra": 4], globalRate: 0.5)
/// ```
public struct Profile: Sendable, Hashable, Codable {
    /// Skill → (correct − wrong) over the validation questions of that skill.
    public var skills: [String: Double]
    public var strength: Double
    public var aggregatorScore: Double
    /// Skill → validation questions of that skill the expert answered (empty for a hand-set prior).
    public var answered: [String: Int]
    /// (correct − wrong) / questions over the whole validation set, −1…1; nil for a hand-set prior.
    public var globalRate: Double?

    public init(
        skills: [String: Double],
        strength: Double? = nil,
        aggregatorScore: Double = 0,
        answered: [String: Int] = [:],
        globalRate: Double? = nil
    ) {
        self.skills = skills
        self.strength = strength ?? skills.values.reduce(0, +)
        self.aggregatorScore = aggregatorScore
        self.answered = answered
        self.globalRate = globalRate
    }
}

/// Where an expert's model runs. Several experts may share one model; the runtime belongs to the model.
public enum ExpertRuntime: Sendable, Hashable, Codable {
    /// A GGUF model served by a `llama-server` that Conclave starts and stops itself.
    case llamaCpp(modelPath: String)
    /// Any OpenAI-compatible server (vLLM, SGLang, Ollama, a hosted API). `apiKeyVariable` names the
    /// environment variable holding the key; the key itself is never stored.
    case openAI(baseURL: String, model: String, apiKeyVariable: String?)

    /// Identifies the model behind the runtime: experts with the same key share one loaded model.
    public var modelKey: String {
        switch self {
        case .llamaCpp(let path): return "llama.cpp:\(path)"
        case .openAI(let url, let model, _): return "openai:\(url)#\(model)"
        }
    }

    /// Whether Conclave itself loads and unloads the model.
    public var isManaged: Bool {
        if case .llamaCpp = self { return true }
        return false
    }
}

/// Price of an expert's tokens in currency units per million tokens.
public struct Price: Sendable, Hashable, Codable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of one call with the given token counts.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * inputPerMillion + Double(outputTokens) * outputPerMillion) / 1_000_000
    }
}

/// Sampling parameters sent with every call to an expert.
public struct Sampling: Sendable, Hashable, Codable {
    public var temperature: Double
    public var maxTokens: Int

    public init(temperature: Double = 0.2, maxTokens: Int = 128) {
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}

/// One callable model, as declared in an `Agents/*.yaml` file.
public struct Expert: Sendable, Hashable, Codable {
    public var id: String
    public var description: String
    public var runtime: ExpertRuntime
    public var price: Price
    public var contextWindow: Int
    public var maxConcurrency: Int
    public var timeoutSeconds: Double
    public var sampling: Sampling
    public var instructions: String?
    public var profile: Profile
    /// Resident memory of the expert's model when loaded, in MB; nil lets the runtime estimate it.
    public var memoryMB: Int?

    public init(
        id: String,
        description: String,
        runtime: ExpertRuntime,
        price: Price,
        contextWindow: Int,
        maxConcurrency: Int,
        timeoutSeconds: Double,
        sampling: Sampling = Sampling(),
        instructions: String? = nil,
        profile: Profile,
        memoryMB: Int? = nil
    ) {
        self.id = id
        self.description = description
        self.runtime = runtime
        self.price = price
        self.contextWindow = contextWindow
        self.maxConcurrency = maxConcurrency
        self.timeoutSeconds = timeoutSeconds
        self.sampling = sampling
        self.instructions = instructions
        self.profile = profile
        self.memoryMB = memoryMB
    }
}

/// Every expert, skill and role Conclave knows, validated and cross-referenced.
public struct Registry: Sendable {
    public private(set) var experts: [Expert]
    public private(set) var skills: [Skill]
    public private(set) var roles: [Role]
    private let expertIndex: [String: Int]
    private let skillIndex: [String: Int]
    /// The roles (indices into `roles`) that list each skill.
    private let rolesOfSkill: [String: [Int]]

    public init(experts: [Expert], skills: [Skill], roles: [Role]) {
        self.experts = experts
        self.skills = skills
        self.roles = roles
        self.expertIndex = Dictionary(experts.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.skillIndex = Dictionary(skills.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var rolesOfSkill: [String: [Int]] = [:]
        for (index, role) in roles.enumerated() {
            for skill in Set(role.skills) { rolesOfSkill[skill, default: []].append(index) }
        }
        self.rolesOfSkill = rolesOfSkill
    }

    public func expert(_ id: String) -> Expert? { expertIndex[id].map { experts[$0] } }
    public func skill(_ name: String) -> Skill? { skillIndex[name].map { skills[$0] } }
    public func role(named name: String) -> Role? { roles.first { $0.name == name } }

    /// The expert with the highest aggregator score (the aggregator benchmark's winner); ties go to the
    /// first id in alphabetical order. Nil for an empty registry.
    public var bestAggregator: Expert? {
        experts.min { ($1.profile.aggregatorScore, $0.id) < ($0.profile.aggregatorScore, $1.id) }
    }

    /// The role that suits a set of matched skills best: most overlapping skills, then the first role of
    /// the most frequent domain among them; nil when no role exists for any of them.
    public func role(for skillNames: [String]) -> Role? { roleIndex(for: skillNames).map { roles[$0] } }

    /// The index in `roles` of `role(for:)`, without copying the role.
    public func roleIndex(for skillNames: [String]) -> Int? {
        if !roles.isEmpty, let best = mostOverlapping(skillNames) { return best }
        var domainCounts: [(domain: String, count: Int)] = []
        var domain: Int?
        for name in skillNames {
            guard let index = skillIndex[name] else { continue }
            let candidate = skills[index].domain
            let position = domainCounts.firstIndex { $0.domain == candidate } ?? domainCounts.count
            if position == domainCounts.count { domainCounts.append((candidate, 0)) }
            domainCounts[position].count += 1
            if domain.map({ domainCounts[position].count > domainCounts[$0].count }) ?? true { domain = position }
        }
        guard let domain else { return nil }
        return roles.firstIndex { $0.domain == domainCounts[domain].domain }
    }

    /// The first role with the most skills in common with `skillNames` (each name counted once); nil when
    /// no role shares any.
    private func mostOverlapping(_ skillNames: [String]) -> Int? {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: roles.count) { counts in
            counts.initialize(repeating: 0)
            for (position, name) in skillNames.enumerated() where !skillNames[..<position].contains(name) {
                for role in rolesOfSkill[name] ?? [] { counts[role] += 1 }
            }
            var best: Int?
            for index in counts.indices where counts[index] > 0 && counts[index] > (best.map { counts[$0] } ?? 0) { best = index }
            return best
        }
    }
}

/// A rough token count for text before any tokenizer is at hand: one token per four UTF-8 bytes, the
/// usual rule of thumb for English. Used to estimate the cost of a call before making it.
public enum TokenEstimate {
    public static func tokens(in text: String) -> Int { tokens(bytes: text.utf8.count) }

    /// The estimate for a text of this many UTF-8 bytes.
    public static func tokens(bytes: Int) -> Int { (bytes + 3) / 4 }
}

/// What one call to an expert is expected to cost for a prompt of a given length: the prompt's tokens at
/// the input price plus `outputTokens` (the expert's `max_tokens`, an upper bound on what it may write) at
/// the output price.
///
/// ```swift
/// let pricing = CallPricing(price: Price(inputPerMillion: 1, outputPerMillion: 2), outputTokens: 128)
/// pricing.expectedCost(promptTokens: 100)  // (100 × 1 + 128 × 2) / 1,000,000
/// ```
public struct CallPricing: Sendable, Hashable {
    public var price: Price
    public var outputTokens: Int

    public init(price: Price, outputTokens: Int) {
        self.price = price
        self.outputTokens = outputTokens
    }

    /// The expected cost of one call with a prompt of `promptTokens`.
    public func expectedCost(promptTokens: Int) -> Double { price.cost(inputTokens: promptTokens, outputTokens: outputTokens) }
}

extension Expert {
    /// What a call to this expert is expected to cost: its price, with `max_tokens` as the answer's length.
    public var pricing: CallPricing { CallPricing(price: price, outputTokens: sampling.maxTokens) }

    /// The expected cost of one call: the prompt's tokens at the input price plus `max_tokens` at the
    /// output price (an upper bound on what the expert may write).
    public func expectedCost(promptTokens: Int) -> Double { pricing.expectedCost(promptTokens: promptTokens) }
}
