import ConclaveCore

/// Small registries for recruitment tests: experts with given profiles behind an unreachable endpoint,
/// and four skills in two domains.
///
/// ```swift
/// let registry = Registry(experts: [Fixtures.expert("a", skills: ["algebra": 3])], skills: Fixtures.skills, roles: [])
/// ```
public enum Fixtures {
    /// An expert with this profile (and `strength`, or the sum of the profile), priced 1/2 per million tokens.
    public static func expert(_ id: String, skills: [String: Double], strength: Double? = nil) -> Expert {
        Expert(
            id: id,
            description: id,
            runtime: .openAI(baseURL: "http://127.0.0.1:1/v1", model: id, apiKeyVariable: nil),
            price: Price(inputPerMillion: 1, outputPerMillion: 2),
            contextWindow: 2048,
            maxConcurrency: 1,
            timeoutSeconds: 10,
            profile: Profile(skills: skills, strength: strength)
        )
    }

    /// algebra, geometry and number theory (mathematics), biology (science), each with aliases.
    public static let skills = [
        Skill(name: "algebra", aliases: ["equation", "solve for x"], domain: "mathematics"),
        Skill(name: "geometry", aliases: ["triangle", "area"], domain: "mathematics"),
        Skill(name: "biology", aliases: ["cell", "photosynthesis"], domain: "science"),
        Skill(name: "number theory", aliases: ["prime"], domain: "mathematics"),
    ]
}
