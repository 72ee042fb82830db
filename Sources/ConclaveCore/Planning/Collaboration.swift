/// How the agents of an instance work together (MasRouter's collaboration modes). Each mode is a plan of
/// rounds: every round's calls run across all instances of a window, grouped per model, before the next.
public enum CollaborationMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One agent answers.
    case single
    /// k agents answer independently, then the aggregator synthesizes (Symbolic-MoE).
    case ensemble
    /// k agents answer, then for `rounds − 1` more rounds each sees the others' previous answers and
    /// answers again; the aggregator or a vote ends it.
    case debate
    /// A solver answers, a critic critiques, the solver revises; `rounds` critique-and-revise cycles.
    case reflection
    /// The agents in turn, each refining the previous agent's answer; the last answer is final.
    case chain
    /// Mixture-of-Agents: `rounds` layers of proposers, each given the previous layer's answers, then the
    /// aggregator.
    case layered

    /// How the mode reaches its final answer unless the pipeline says otherwise.
    public var defaultFinish: Finish {
        switch self {
        case .single, .reflection, .chain: .last
        case .ensemble, .debate, .layered: .aggregator
        }
    }

    /// The ways a mode may end: the others make no sense for it (one answer cannot be voted on).
    public var finishes: [Finish] {
        switch self {
        case .single, .reflection, .chain: [.last]
        case .ensemble, .debate, .layered: [.aggregator, .vote]
        }
    }

    /// How many agents the mode seats when the pipeline gives `k`: one for `single`, a solver and a critic
    /// for `reflection` (one agent reflects on its own answer when k is 1), k for the others.
    public func agentCount(k: Int) -> Int {
        switch self {
        case .single: 1
        case .reflection: min(2, max(1, k))
        case .ensemble, .debate, .chain, .layered: max(1, k)
        }
    }

    /// The modes from the most to the least expensive for the same team, the order budget downgrades
    /// simplify in.
    public var simpler: CollaborationMode? {
        switch self {
        case .layered, .debate: .ensemble
        case .reflection, .chain, .ensemble: .single
        case .single: nil
        }
    }
}

/// How a collaboration's final answer is reached.
public enum Finish: String, Sendable, Hashable, Codable, CaseIterable {
    /// The aggregator synthesizes the last round's answers.
    case aggregator
    /// The answer most of the last round's agents gave (ties to the lowest seat).
    case vote
    /// The last round's one answer.
    case last
}

/// One seat of a collaboration: the expert that fills it and the role it plays.
public struct Agent: Sendable, Hashable, Codable {
    public var seat: Int
    public var expert: String
    /// The registry role whose instructions the agent gets (nil: none).
    public var role: String?

    public init(seat: Int, expert: String, role: String? = nil) {
        self.seat = seat
        self.expert = expert
        self.role = role
    }
}

/// An instance's collaboration: its mode, rounds, finish and agents, as a decision stores them.
///
/// ```swift
/// let debate = Collaboration(mode: .debate, rounds: 2, finish: .vote, agents: [
///     Agent(seat: 0, expert: "qwen-math"), Agent(seat: 1, expert: "llama-general"),
/// ])
/// debate.roundCount  // 2: independent answers, then one round of answering again after reading the others
/// ```
public struct Collaboration: Sendable, Hashable, Codable {
    public var mode: CollaborationMode
    /// Debate: rounds of answers; reflection: critique-and-revise cycles; layered: layers. Others: 1.
    public var rounds: Int
    public var finish: Finish
    /// The agents, as held (a fresh decision's are its team's seats with their roles).
    private var seated: AgentSeats

    /// The agents, one per seat, in seat order.
    public var agents: [Agent] {
        get { seated.agents }
        set { seated = AgentSeats(newValue) }
    }

    public init(mode: CollaborationMode, rounds: Int = 1, finish: Finish? = nil, agents: [Agent]) {
        self.init(mode: mode, rounds: rounds, finish: finish, seated: AgentSeats(agents))
    }

    /// A collaboration whose agents are held as `seated`.
    init(mode: CollaborationMode, rounds: Int, finish: Finish?, seated: AgentSeats) {
        self.mode = mode
        self.rounds = max(1, rounds)
        self.finish = finish ?? mode.defaultFinish
        self.seated = seated
    }

    /// The plain ensemble of a team, as decisions made before modes existed describe it.
    public static func ensemble(team: [String], role: String?) -> Collaboration {
        Collaboration(mode: .ensemble, agents: team.enumerated().map { Agent(seat: $0, expert: $1, role: role) })
    }

    /// How many agents the plan seats.
    public var agentCount: Int { seated.count }

    /// How many rounds of agent calls the plan has (the aggregator's call comes after them).
    public var roundCount: Int {
        switch mode {
        case .single, .ensemble: 1
        case .debate, .layered: rounds
        case .reflection: 1 + 2 * rounds
        case .chain: agentCount
        }
    }

    /// The agents that answer in `round` (none outside the plan).
    public func agents(inRound round: Int) -> [Agent] {
        guard round >= 0, round < roundCount, agentCount > 0 else { return [] }
        switch mode {
        case .single: return [seated[0]]
        case .ensemble, .debate, .layered: return agents
        case .reflection: return [round % 2 == 1 && agentCount > 1 ? seated[1] : seated[0]]
        case .chain: return [seated[round]]
        }
    }

    /// What an agent's call in `round` is for.
    public func turn(round: Int) -> Turn {
        guard round > 0 else { return .answer }
        switch mode {
        case .single, .ensemble: return .answer
        case .debate: return .debate
        case .layered: return .layer
        case .chain: return .refine
        case .reflection: return round % 2 == 1 ? .critique : .revise
        }
    }

    /// The earlier answers a call of `round` is given, as (round, seat) pairs in the order it sees them:
    /// every answer of the previous round for debate and layered; the previous agent's for chain; the
    /// answer under critique for a critic; the solver's last answer and the critique for a revision.
    public func inputs(round: Int, seat: Int) -> [Slot] {
        guard round > 0 else { return [] }
        switch mode {
        case .single, .ensemble: return []
        case .debate, .layered, .chain: return agents(inRound: round - 1).map { Slot(round: round - 1, seat: $0.seat) }
        case .reflection:
            let previous = agents(inRound: round - 1).map { Slot(round: round - 1, seat: $0.seat) }
            guard round % 2 == 0 else { return previous }
            return agents(inRound: round - 2).map { Slot(round: round - 2, seat: $0.seat) } + previous
        }
    }

    /// The answers the final answer is reached from: the last round's.
    public var finalSlots: [Slot] {
        agents(inRound: roundCount - 1).map { Slot(round: roundCount - 1, seat: $0.seat) }
    }

    /// Every expert the plan calls, in seat order (with repeats when an expert holds several seats).
    public var team: [String] { (0..<agentCount).map { seated[$0].expert } }

    /// What a collaboration is compared, hashed and stored as: its agents listed.
    private struct Stored: Hashable, Codable {
        var mode: CollaborationMode
        var rounds: Int
        var finish: Finish
        var agents: [Agent]
    }

    private var stored: Stored { Stored(mode: mode, rounds: rounds, finish: finish, agents: agents) }

    public init(from decoder: any Decoder) throws {
        let stored = try Stored(from: decoder)
        (mode, rounds, finish, seated) = (stored.mode, stored.rounds, stored.finish, AgentSeats(stored.agents))
    }

    public func encode(to encoder: any Encoder) throws { try stored.encode(to: encoder) }

    public static func == (lhs: Collaboration, rhs: Collaboration) -> Bool { lhs.stored == rhs.stored }

    public func hash(into hasher: inout Hasher) { stored.hash(into: &hasher) }
}

/// A call's place in a collaboration: its round and its seat.
public struct Slot: Sendable, Hashable, Codable {
    public var round: Int
    public var seat: Int

    public init(round: Int, seat: Int) {
        self.round = round
        self.seat = seat
    }
}

/// What an agent's call is asked to do; its prompt follows from it.
public enum Turn: String, Sendable, Hashable, Codable {
    /// Answer the question on its own.
    case answer
    /// Answer again after reading the other agents' previous answers.
    case debate
    /// Propose a better answer from the previous layer's proposals.
    case layer
    /// Improve the previous agent's answer.
    case refine
    /// Find what is wrong in the solver's answer.
    case critique
    /// Revise one's own answer in the light of the critique.
    case revise
}
