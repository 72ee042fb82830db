/// Gives each seat of a collaboration a role and an expert (the cascade's last two steps): roles are ranked
/// by how many of the instance's skills they cover and handed to the seats in turn; then each seat, in
/// order, takes the recruited expert whose profile is strongest on its role's skills.
///
/// ```swift
/// let roles = RoleAllocation.roles(for: ["algebra", "anatomy"], seats: 2, registry: registry)
/// // ["Mathematician", "Physician"]
/// let agents = RoleAllocation.agents(team: ["qwen-med", "qwen-math"], roles: roles, registry: registry)
/// // [Agent(seat: 0, expert: "qwen-math", role: "Mathematician"), Agent(seat: 1, expert: "qwen-med", role: "Physician")]
/// ```
public enum RoleAllocation {
    /// One role name per seat: the roles sharing skills with the instance, most shared first (ties in
    /// registry order), in turn; when none shares any, the registry's role for the skills' domain on every
    /// seat; nil when there is none either.
    public static func roles(for skills: [String], seats: Int, registry: Registry) -> [String?] {
        let distinct = skills.enumerated().filter { !skills[..<$0.offset].contains($0.element) }.map(\.element)
        let ranked = registry.roles.enumerated()
            .map { (index: $0.offset, role: $0.element, shared: distinct.filter($0.element.skills.contains).count) }
            .filter { $0.shared > 0 }
            .sorted { ($1.shared, $0.index) < ($0.shared, $1.index) }
            .map(\.role.name)
        guard !ranked.isEmpty else { return Array(repeating: registry.role(for: skills)?.name, count: seats) }
        return (0..<seats).map { ranked[$0 % ranked.count] }
    }

    /// The agents: each seat, in order, takes from the team the expert with the highest profile score on
    /// its role's skills (the first such in team order on a tie, and the next in team order when the seat
    /// has no role).
    public static func agents(team: [String], roles: [String?], registry: Registry) -> [Agent] {
        var remaining = team
        return roles.prefix(team.count).enumerated().map { seat, roleName in
            let skills = roleName.flatMap(registry.role(named:))?.skills ?? []
            func strength(_ id: String) -> Double {
                let profile = registry.expert(id)?.profile.skills ?? [:]
                return skills.reduce(0) { $0 + (profile[$1] ?? 0) }
            }
            var best = 0
            for index in remaining.indices.dropFirst() where strength(remaining[index]) > strength(remaining[best]) { best = index }
            return Agent(seat: seat, expert: remaining.remove(at: best), role: roleName)
        }
    }
}
