@testable import ConclaveCore

/// Small registries for the recruitment tests.
enum Fixtures {
    static func expert(_ id: String, skills: [String: Double], strength: Double? = nil) -> Expert {
        Expert(id: id, description: id, runtime: .openAI(baseURL: "http://127.0.0.1:1/v1", model: id, apiKeyVariable: nil),
               price: Price(inputPerMillion: 1, outputPerMillion: 2), contextWindow: 2048, maxConcurrency: 1,
               timeoutSeconds: 10, profile: Profile(skills: skills, strength: strength))
    }

    static let skills = [
        Skill(name: "algebra", aliases: ["equation", "solve for x"], domain: "mathematics"),
        Skill(name: "geometry", aliases: ["triangle", "area"], domain: "mathematics"),
        Skill(name: "biology", aliases: ["cell", "photosynthesis"], domain: "science"),
        Skill(name: "number theory", aliases: ["prime"], domain: "mathematics"),
    ]
}
