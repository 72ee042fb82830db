import ConclaveTesting
import Foundation
import Testing

@testable import ConclaveCore

/// Agents held as a team's seats with packed role indices read, compare, hash and encode as the same
/// agents listed; agents that do not pack are listed; and a fresh decision's plan seats its team in order.
@Suite struct AgentSeatsTests {
    private let names = ["Mathematician", "Physician of the heart"]

    private func seats(_ members: [Int]) throws -> TeamSeats { try #require(TeamSeatsTests.packed(members)) }

    private func agents(_ team: TeamSeats, roles: [Int]) -> AgentSeats {
        roles.withUnsafeBufferPointer { AgentSeats(team: team, roles: $0, names: names) }
    }

    @Test func packedAgentsReadAsTheirSeatsAndRoles() throws {
        let seated = agents(try seats([2, 0, 3]), roles: [1, -1, 0])
        #expect(seated.count == 3)
        #expect(
            seated.agents == [
                Agent(seat: 0, expert: "e2", role: "Physician of the heart"), Agent(seat: 1, expert: "e0"),
                Agent(seat: 2, expert: "e3", role: "Mathematician"),
            ]
        )
        #expect(seated[2] == Agent(seat: 2, expert: "e3", role: "Mathematician"))
    }

    @Test func agentsThatDoNotPackAreListed() {
        let many = TeamSeats((0..<(TeamSeats.packedSeats + 2)).map { "e\($0 % 4)" })
        let listed = agents(many, roles: Array(repeating: 0, count: many.count))
        #expect(listed.agents == (0..<many.count).map { Agent(seat: $0, expert: "e\($0 % 4)", role: "Mathematician") })
        let farRole = Array(repeating: "r", count: 300)
        let far = [299, 0].withUnsafeBufferPointer { AgentSeats(team: TeamSeats(["e1", "e2"]), roles: $0, names: farRole) }
        #expect(far.agents == [Agent(seat: 0, expert: "e1", role: "r"), Agent(seat: 1, expert: "e2", role: "r")])
    }

    @Test func aSeatedPlanComparesHashesAndEncodesAsItsAgents() throws {
        let seated = Collaboration(mode: .debate, rounds: 2, finish: nil, seated: agents(try seats([1, 3]), roles: [0, 1]))
        let listed = Collaboration(
            mode: .debate,
            rounds: 2,
            agents: [Agent(seat: 0, expert: "e1", role: "Mathematician"), Agent(seat: 1, expert: "e3", role: "Physician of the heart")]
        )
        #expect(seated == listed && seated.hashValue == listed.hashValue)
        #expect(seated.team == ["e1", "e3"] && seated.agentCount == 2 && seated.agents(inRound: 1) == listed.agents)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(seated) == (try encoder.encode(listed)))
        #expect(try JSONDecoder().decode(Collaboration.self, from: try encoder.encode(seated)) == listed)

        var edited = seated
        edited.agents[1].expert = "e0"
        #expect(edited.team == ["e1", "e0"] && seated.team == ["e1", "e3"])
    }

    @Test func aFreshPlanSeatsTheTeamInOrder() {
        let registry = Registry(
            experts: [Fixtures.expert("bio", skills: ["biology": 5, "algebra": 1]), Fixtures.expert("math", skills: ["algebra": 5])],
            skills: Fixtures.skills,
            roles: [
                Role(name: "Biologist", domain: "science", instructions: "", skills: ["biology"]),
                Role(name: "Mathematician", domain: "mathematics", instructions: "", skills: ["algebra"]),
            ]
        )
        let decider = DecisionMaker(registry: registry, k: 2, strategy: .topK, aggregator: "math", seed: 1)
        let decision = decider.decide(for: Instance(id: "q", text: "Solve the equation for the cell count"))
        let plan = decision.plan
        #expect(plan.team == decision.recruitment.team)
        #expect(plan.agents.map(\.seat) == [0, 1] && Set(plan.agents.compactMap(\.role)) == ["Biologist", "Mathematician"])
        #expect(decision.role == plan.agents[0].role)
        let decoded = try? JSONDecoder().decode(Decision.self, from: try JSONEncoder().encode(decision))
        #expect(decoded == decision)
    }
}
