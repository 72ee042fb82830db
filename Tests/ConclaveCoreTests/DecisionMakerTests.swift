import ConclaveTesting
import Testing

@testable import ConclaveCore

@Suite struct DecisionMakerTests {
    let registry = Registry(
        experts: [
            Fixtures.expert("math", skills: ["algebra": 3, "geometry": 2], strength: 2),
            Fixtures.expert("bio", skills: ["biology": 3], strength: 2),
        ],
        skills: Fixtures.skills,
        roles: [
            Role(name: "Mathematician", domain: "mathematics", instructions: "m", skills: ["algebra"]),
            Role(name: "Geometer", domain: "mathematics", instructions: "g"),
            Role(name: "Biologist", domain: "science", instructions: "b", skills: ["biology"]),
        ]
    )

    @Test func decisionsDependOnSeedAndInstanceButNotOnOrder() {
        let maker = DecisionMaker(registry: registry, k: 3, strategy: .symbolic, aggregator: "math", seed: 42)
        let a = Instance(id: "a", text: "Solve the equation for the triangle area")
        let b = Instance(id: "b", text: "How does photosynthesis work in a cell?")
        #expect(maker.decide(for: a) == maker.decide(for: a))
        #expect(maker.decide(for: b).recruitment.team == ["bio", "bio", "bio"])
        #expect(maker.decide(for: a).skills.map(\.skill) == ["algebra", "geometry"])
        #expect(maker.decide(for: a).recruitment.team.allSatisfy { $0 == "math" })
    }

    @Test func roleFollowsSkillOverlapThenDomain() {
        #expect(registry.role(for: ["algebra"])?.name == "Mathematician")
        #expect(registry.role(for: ["geometry"])?.name == "Mathematician")  // first role of the domain
        #expect(registry.role(for: ["biology"])?.name == "Biologist")
        #expect(registry.role(for: []) == nil)
    }

    @Test func promptsDelimitResponsesAndListChoices() {
        let instance = Instance(id: "q", text: "2+2?", choices: ["3", "4"])
        let messages = Prompts.aggregation(instance: instance, responses: ["It is 4", "It is 3"], role: nil)
        let text = messages.last!.content
        #expect(text.contains("(A) 3\n(B) 4"))
        #expect(text.contains("<response 1>\nIt is 4\n</response 1>"))
        #expect(text.contains("<response 2>\nIt is 3\n</response 2>"))
        #expect(text.contains("may be wrong"))
        let expert = Prompts.expert(instance: instance, role: registry.roles[0], expert: registry.experts[0])
        #expect(expert.first == .system("m"))
    }

    @Test func modelKeywordsDecideTheSkillsUnlessNoneMaps() {
        let maker = DecisionMaker(registry: registry, k: 2, strategy: .topK, aggregator: "math", seed: 1)
        let question = Instance(id: "q", text: "How does photosynthesis work?", metadata: ["category": "geometry"])
        let mapper = SkillMapper(skills: Fixtures.skills)
        let useful = SkillExtraction(samples: [], keywords: ["equation", "poetry"].map(mapper.map))
        let decided = maker.decide(for: question, extraction: useful)
        #expect(decided.skills == [.init(skill: "algebra", term: "equation")] && decided.keywords == useful.keywords)
        #expect(decided.unmapped == ["poetry"] && decided.recruitment.team == ["math"])
        // Nothing maps: the lexical skills (the category first, then the text) are used, the keywords still kept.
        let useless = SkillExtraction(samples: [], keywords: [mapper.map("poetry")])
        let fallback = maker.decide(for: question, extraction: useless)
        #expect(fallback.skills.map(\.skill) == ["geometry", "biology"] && fallback.keywords == useless.keywords)
        #expect(maker.decide(for: question, extraction: nil) == maker.decide(for: question))
        // Profiling: every expert once, nobody aggregates, the same skills.
        let profiling = maker.decide(for: question, extraction: useful, everyExpert: true)
        #expect(profiling.recruitment.team == ["math", "bio"] && profiling.aggregator.isEmpty && profiling.skills == decided.skills)
    }
}
