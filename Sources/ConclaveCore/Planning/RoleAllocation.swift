/// Gives each seat of a collaboration a role and an expert (the cascade's last two steps): roles are ranked
/// by how many of the instance's skills they cover and handed to the seats in turn; then each seat, in
/// order, takes the recruited expert whose profile is strongest on its role's skills. Built once per
/// registry: which roles list each skill, and every expert's strength on every role, are tables.
///
/// ```swift
/// let allocation = RoleAllocation(registry: registry)
/// let roles = allocation.roles(for: ["algebra", "anatomy"], seats: 2)
/// // ["Mathematician", "Physician"]
/// let agents = allocation.agents(team: ["qwen-med", "qwen-math"], roles: roles)
/// // [Agent(seat: 0, expert: "qwen-math", role: "Mathematician"), Agent(seat: 1, expert: "qwen-med", role: "Physician")]
/// ```
public final class RoleAllocation: Sendable {
    public let registry: Registry
    /// The roles (indices into `registry.roles`) that list each skill: those of the skill at position p
    /// in `skillIndex` are `rolesOfSkill[roleStarts[p] ..< roleStarts[p + 1]]`.
    private let skillIndex: NameIndex
    private let roleStarts: [Int]
    private let rolesOfSkill: [Int]
    private let roleIndex: NameIndex
    /// The registry's role names, by index.
    private let roleNames: [String]
    /// The same, copied per thread slot (every agent holds one).
    private let seatedRoleNames: ThreadCopies<[String]>
    private let expertIndex: NameIndex
    /// Each expert's summed profile score over each role's skills, at expert × roles + role.
    private let strengths: [Double]

    public init(registry: Registry) {
        self.registry = registry
        var skillNames: [String] = []
        var rolesOfSkill: [[Int]] = []
        var position: [String: Int] = [:]
        for (index, role) in registry.roles.enumerated() {
            for skill in Set(role.skills).sorted() {
                if position[skill] == nil {
                    position[skill] = skillNames.count
                    skillNames.append(skill)
                    rolesOfSkill.append([])
                }
                rolesOfSkill[position[skill] ?? 0].append(index)
            }
        }
        self.skillIndex = NameIndex(skillNames)
        self.roleStarts = rolesOfSkill.reduce(into: [0]) { starts, roles in starts.append((starts.last ?? 0) + roles.count) }
        self.rolesOfSkill = rolesOfSkill.flatMap { $0 }
        roleNames = registry.roles.map(\.name)
        seatedRoleNames = ThreadCopies { registry.roles.map(\.name.withOwnStorage) }
        roleIndex = NameIndex(roleNames)
        expertIndex = NameIndex(registry.experts.map(\.id))
        strengths = registry.experts.flatMap { expert in
            registry.roles.map { role in role.skills.reduce(0) { $0 + (expert.profile.skills[$1] ?? 0) } }
        }
    }

    /// One role name per seat: the roles sharing skills with the instance, most shared first (ties in
    /// registry order), in turn; when none shares any, the registry's role for the skills' domain on every
    /// seat; nil when there is none either.
    public func roles(for skills: [String], seats: Int) -> [String?] {
        withPositions(of: skills) { positions in
            withRoles(for: positions, domainRole: { registry.roleIndex(for: skills) }, seats: seats) { roles in
                roles.map { $0 < 0 ? nil : roleNames[$0] }
            }
        }
    }

    /// The agents: each seat, in order, takes from the team the expert with the highest profile score on
    /// its role's skills (the first such in team order on a tie, and the next in team order when the seat
    /// has no role).
    public func agents(team: [String], roles: [String?]) -> [Agent] {
        let indices: [Int] = roles.map { name in name.flatMap { roleIndex[$0] } ?? -1 }
        var seated = withMembers(of: team) { members in
            indices.withUnsafeBufferPointer { agents(seats: team.count, id: { team[$0] }, members: members, roles: $0) }
        }
        for seat in seated.indices { seated[seat].role = roles[seat] }
        return seated
    }

    /// The agents of a team for an instance with these skills: `roles(for:seats:)` then
    /// `agents(team:roles:)`, one seat per member of the team.
    public func agents(team: [String], skills: [String]) -> [Agent] {
        withPositions(of: skills) { positions in
            withMembers(of: team) { members in
                withRoles(for: positions, domainRole: { registry.roleIndex(for: skills) }, seats: team.count) { roles in
                    agents(seats: team.count, id: { team[$0] }, members: members, roles: roles)
                }
            }
        }
    }

    /// Where a skill is in the table of which roles list it; nil when no role lists it.
    func position(of skill: String) -> Int? { skillIndex[skill] }

    /// The index of an expert in the registry's experts; nil when there is none.
    func member(_ expert: String) -> Int? { expertIndex[expert] }

    private func withPositions<Result>(of skills: [String], _ body: (UnsafeBufferPointer<Int>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: skills.count + 1) { positions in
            for (index, skill) in skills.enumerated() { positions[index] = skillIndex[skill] ?? -1 }
            return body(UnsafeBufferPointer(rebasing: positions[..<skills.count]))
        }
    }

    private func withMembers<Result>(of team: [String], _ body: (UnsafeBufferPointer<Int>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: team.count + 1) { members in
            for (index, expert) in team.enumerated() { members[index] = expertIndex[expert] ?? -1 }
            return body(UnsafeBufferPointer(rebasing: members[..<team.count]))
        }
    }

    /// Calls `body` with one role per seat, as indices into the registry's roles (-1: none), for skills at
    /// `positions`; `domainRole` is the registry's role for the skills' domain, asked only when no role
    /// shares a skill.
    private func withRoles<Result>(
        for positions: UnsafeBufferPointer<Int>,
        domainRole: () -> Int?,
        seats: Int,
        _ body: (UnsafeBufferPointer<Int>) -> Result
    ) -> Result {
        let roleCount = roleNames.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * roleCount + positions.count + seats + 1) { buffer in
            // How many distinct skills of the instance each role lists, the skills already counted, the
            // sharing roles ranked, and the role of each seat.
            let shared = UnsafeMutableBufferPointer(rebasing: buffer[..<roleCount])
            let counted = UnsafeMutableBufferPointer(rebasing: buffer[roleCount..<roleCount + positions.count])
            let ranked = UnsafeMutableBufferPointer(rebasing: buffer[(roleCount + positions.count)..<(2 * roleCount + positions.count)])
            let roles = UnsafeMutableBufferPointer(
                rebasing: buffer[(2 * roleCount + positions.count)..<(2 * roleCount + positions.count + seats)]
            )
            shared.initialize(repeating: 0)
            var distinct = 0
            var sharing = 0
            for index in positions {
                guard index >= 0, !counted[..<distinct].contains(index) else { continue }
                counted[distinct] = index
                distinct += 1
                for role in rolesOfSkill[roleStarts[index]..<roleStarts[index + 1]] {
                    if shared[role] == 0 { sharing += 1 }
                    shared[role] += 1
                }
            }
            if sharing == 0 {
                roles.initialize(repeating: domainRole() ?? -1)
            } else {
                // Most shared first, ties in registry order.
                var filled = 0
                for role in 0..<roleCount where shared[role] > 0 {
                    var slot = filled
                    while slot > 0, shared[ranked[slot - 1]] < shared[role] {
                        ranked[slot] = ranked[slot - 1]
                        slot -= 1
                    }
                    ranked[slot] = role
                    filled += 1
                }
                for seat in 0..<seats { roles[seat] = ranked[seat % sharing] }
            }
            return body(UnsafeBufferPointer(roles))
        }
    }

    /// The agents for one role index per seat (-1: none), each seat naming its registry role, of a team of
    /// `seats` whose member in seat s is `id(s)`; `members` holds each member's expert, as an index into the
    /// registry's experts (-1 when it has none).
    private func agents(seats: Int, id: (Int) -> String, members experts: UnsafeBufferPointer<Int>, roles: UnsafeBufferPointer<Int>) -> [Agent] {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: seats + 1) { order in
            let count = arrange(seats: seats, members: experts, roles: roles, order: order)
            let roleNames = seatedRoleNames.current
            return (0..<count).map { seat in Agent(seat: seat, expert: id(order[seat]), role: roles[seat] < 0 ? nil : roleNames[roles[seat]]) }
        }
    }

    /// Each seat, in order, takes the remaining member of the team strongest on its role (`roles`, as in
    /// `agents(seats:id:members:roles:)`); writes the team seat of each seat's member to `order` and
    /// returns how many seats were filled.
    private func arrange(
        seats: Int,
        members experts: UnsafeBufferPointer<Int>,
        roles: UnsafeBufferPointer<Int>,
        order: UnsafeMutableBufferPointer<Int>
    ) -> Int {
        let roleCount = roleNames.count
        let filled = min(seats, roles.count)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: seats + 1) { remaining in
            // The team's members not yet seated, as seats of the team, in team order.
            for index in 0..<seats { remaining[index] = index }
            var left = seats
            for (seat, role) in roles.prefix(filled).enumerated() {
                var best = 0
                if role >= 0 {
                    func strength(_ member: Int) -> Double { experts[member] < 0 ? 0 : strengths[experts[member] * roleCount + role] }
                    var bestStrength = strength(remaining[0])
                    for index in 1..<left {
                        let candidate = strength(remaining[index])
                        if candidate > bestStrength {
                            best = index
                            bestStrength = candidate
                        }
                    }
                }
                order[seat] = remaining[best]
                for index in best..<left - 1 { remaining[index] = remaining[index + 1] }
                left -= 1
            }
        }
        return filled
    }

    /// `agents(team:skills:)` without building the agents, for a team of `seats` with its experts already
    /// resolved (`members`: their indices in the registry's experts, -1 for none) and the skills too
    /// (`positions`: `position(of:)` of each, -1 for none); `domainRole` gives the registry's role for the
    /// skills' domain, asked only when no role shares a skill. Calls `body` with each seat's role (an index
    /// into `threadRoleNames`, -1 for none), the team seat of each seat's member written to `order`.
    func arrange<Result>(
        seats: Int,
        members: UnsafeBufferPointer<Int>,
        positions: UnsafeBufferPointer<Int>,
        order: UnsafeMutableBufferPointer<Int>,
        domainRole: () -> Int?,
        _ body: (UnsafeBufferPointer<Int>) -> Result
    ) -> Result {
        withRoles(for: positions, domainRole: domainRole, seats: seats) { roles in
            _ = arrange(seats: seats, members: members, roles: roles, order: order)
            return body(roles)
        }
    }

    /// The registry's role names, by index: the calling thread's copy (every agent holds one).
    var threadRoleNames: [String] { seatedRoleNames.current }
}
