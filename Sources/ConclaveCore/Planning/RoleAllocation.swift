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
    /// The roles (indices into `registry.roles`) that list each skill.
    private let rolesOfSkill: [String: [Int]]
    private let roleIndex: [String: Int]
    /// Each expert's summed profile score over each role's skills, by role index.
    private let strengths: [String: [Double]]

    public init(registry: Registry) {
        self.registry = registry
        var rolesOfSkill: [String: [Int]] = [:]
        for (index, role) in registry.roles.enumerated() {
            for skill in Set(role.skills) { rolesOfSkill[skill, default: []].append(index) }
        }
        self.rolesOfSkill = rolesOfSkill
        roleIndex = Dictionary(registry.roles.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        strengths = Dictionary(
            registry.experts.map { expert in
                (expert.id, registry.roles.map { role in role.skills.reduce(0) { $0 + (expert.profile.skills[$1] ?? 0) } })
            },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// One role name per seat: the roles sharing skills with the instance, most shared first (ties in
    /// registry order), in turn; when none shares any, the registry's role for the skills' domain on every
    /// seat; nil when there is none either.
    public func roles(for skills: [String], seats: Int) -> [String?] {
        var counts: [(role: Int, shared: Int)] = []
        for (position, skill) in skills.enumerated() where !skills[..<position].contains(skill) {
            for role in rolesOfSkill[skill] ?? [] {
                if let index = counts.firstIndex(where: { $0.role == role }) { counts[index].shared += 1 } else { counts.append((role, 1)) }
            }
        }
        guard !counts.isEmpty else { return Array(repeating: registry.role(for: skills)?.name, count: seats) }
        counts.sort { ($1.shared, $0.role) < ($0.shared, $1.role) }
        return (0..<seats).map { registry.roles[counts[$0 % counts.count].role].name }
    }

    /// The agents: each seat, in order, takes from the team the expert with the highest profile score on
    /// its role's skills (the first such in team order on a tie, and the next in team order when the seat
    /// has no role).
    public func agents(team: [String], roles: [String?]) -> [Agent] {
        var remaining = team
        return roles.prefix(team.count).enumerated().map { seat, roleName in
            var best = 0
            if let role = roleName.flatMap({ roleIndex[$0] }) {
                let strength = { (id: String) in strengths[id]?[role] ?? 0 }
                for index in remaining.indices.dropFirst() where strength(remaining[index]) > strength(remaining[best]) { best = index }
            }
            return Agent(seat: seat, expert: remaining.remove(at: best), role: roleName)
        }
    }
}
