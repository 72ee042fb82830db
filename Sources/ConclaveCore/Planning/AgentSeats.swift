/// A collaboration's agents as they are held (`Collaboration.agents` reads them): a list, or, for a fresh
/// decision, its team's seats and each seat's role index packed a byte a seat into one integer, with the
/// deciding thread's copy of the role names. Agent s of a fresh decision is the expert in seat s of its
/// team (the roles put the seats in order), so the plan then owns no array of agents: one allocation fewer
/// while deciding, and one object fewer to free when the window of decisions is let go of.
///
/// ```swift
/// let agents = AgentSeats(team: seats, roles: roles, names: roleNames)  // roles: an index into names per seat
/// agents[0]  // Agent(seat: 0, expert: "qwen-math", role: "Mathematician")
/// ```
struct AgentSeats: Sendable {
    private enum Storage: Sendable {
        case list([Agent])
        /// Seat s's role in byte s of `roles` (`noRole` for none), an index into `names`.
        case seated(team: TeamSeats, roles: UInt64, names: [String])
    }

    private var storage: Storage
    /// With `seated`: its team's seats, kept beside it so that counting them does not copy the team.
    private var seatCount = 0

    /// The byte of a seat without a role.
    private static let noRole: UInt64 = 0xFF

    init(_ agents: [Agent]) { storage = .list(agents) }

    /// The agents of `team`, seat s playing role `roles[s]` (an index into `names`, -1 for none), packed
    /// where they fit (up to `TeamSeats.packedSeats` seats, role indices below 255), else listed.
    init(team: TeamSeats, roles: UnsafeBufferPointer<Int>, names: [String]) {
        let count = min(team.count, roles.count)
        guard count == team.count, count <= TeamSeats.packedSeats, !roles.contains(where: { $0 >= Int(Self.noRole) }) else {
            storage = .list((0..<count).map { Agent(seat: $0, expert: team[$0], role: roles[$0] < 0 ? nil : names[roles[$0]]) })
            return
        }
        var packed: UInt64 = 0
        for (seat, role) in roles.prefix(count).enumerated() { packed |= (role < 0 ? Self.noRole : UInt64(role)) << (8 * seat) }
        seatCount = count
        storage = .seated(team: team, roles: packed, names: names)
    }

    var count: Int {
        switch storage {
        case .list(let agents): agents.count
        case .seated: seatCount
        }
    }

    /// The agent in `seat`.
    subscript(seat: Int) -> Agent {
        switch storage {
        case .list(let agents): return agents[seat]
        case .seated(let team, _, _): return Agent(seat: seat, expert: team[seat], role: role(ofSeat: seat))
        }
    }

    /// The role of the agent in `seat`, read without building the agent.
    func role(ofSeat seat: Int) -> String? {
        switch storage {
        case .list(let agents): return agents[seat].role
        case .seated(_, let roles, let names):
            let role = (roles >> (8 * seat)) & 0xFF
            return role == Self.noRole ? nil : names[Int(role)]
        }
    }

    /// Every agent, in seat order.
    var agents: [Agent] {
        switch storage {
        case .list(let agents): agents
        case .seated: (0..<count).map { self[$0] }
        }
    }
}
