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
public struct RoleAllocation: Sendable {
    public let registry: Registry
    /// The roles (indices into `registry.roles`) that list each skill, by the skill's position in
    /// `skillIndex`.
    private let skillIndex: NameIndex
    private let rolesOfSkill: [[Int]]
    private let roleIndex: NameIndex
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
        self.rolesOfSkill = rolesOfSkill
        roleIndex = NameIndex(registry.roles.map(\.name))
        expertIndex = NameIndex(registry.experts.map(\.id))
        strengths = registry.experts.flatMap { expert in
            registry.roles.map { role in role.skills.reduce(0) { $0 + (expert.profile.skills[$1] ?? 0) } }
        }
    }

    /// One role name per seat: the roles sharing skills with the instance, most shared first (ties in
    /// registry order), in turn; when none shares any, the registry's role for the skills' domain on every
    /// seat; nil when there is none either.
    public func roles(for skills: [String], seats: Int) -> [String?] {
        let roleCount = registry.roles.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * roleCount + skills.count + 1) { buffer in
            // How many distinct skills of the instance each role lists, then the skills already counted.
            let shared = UnsafeMutableBufferPointer(rebasing: buffer[..<roleCount])
            let counted = UnsafeMutableBufferPointer(rebasing: buffer[roleCount..<roleCount + skills.count])
            shared.initialize(repeating: 0)
            var distinct = 0
            var sharing = 0
            for skill in skills {
                guard let index = skillIndex[skill], !counted[..<distinct].contains(index) else { continue }
                counted[distinct] = index
                distinct += 1
                for role in rolesOfSkill[index] {
                    if shared[role] == 0 { sharing += 1 }
                    shared[role] += 1
                }
            }
            guard sharing > 0 else { return Array(repeating: registry.role(for: skills)?.name, count: seats) }
            // The sharing roles, most shared first, ties in registry order.
            let ranked = UnsafeMutableBufferPointer(rebasing: buffer[(roleCount + skills.count)...])
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
            return (0..<seats).map { registry.roles[ranked[$0 % sharing]].name }
        }
    }

    /// The agents: each seat, in order, takes from the team the expert with the highest profile score on
    /// its role's skills (the first such in team order on a tie, and the next in team order when the seat
    /// has no role).
    public func agents(team: [String], roles: [String?]) -> [Agent] {
        let roleCount = registry.roles.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * team.count + 1) { buffer in
            // The team's members not yet seated, as positions in `team`, in team order; each member's
            // expert, as an index into the registry's experts (-1 when it has none).
            let remaining = UnsafeMutableBufferPointer(rebasing: buffer[..<team.count])
            let experts = UnsafeMutableBufferPointer(rebasing: buffer[team.count..<2 * team.count])
            for index in team.indices {
                remaining[index] = index
                experts[index] = expertIndex[team[index]] ?? -1
            }
            var left = team.count
            return roles.prefix(team.count).enumerated().map { seat, roleName in
                var best = 0
                if let role = roleName.flatMap({ roleIndex[$0] }) {
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
                let member = remaining[best]
                for index in best..<left - 1 { remaining[index] = remaining[index + 1] }
                left -= 1
                return Agent(seat: seat, expert: team[member], role: roleName)
            }
        }
    }
}
