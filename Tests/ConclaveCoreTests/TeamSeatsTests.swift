import ConclaveTesting
import Foundation
import Testing

@testable import ConclaveCore

/// A team held as packed candidate indices reads, reorders, compares, hashes and encodes as the same team
/// held as ids; teams that do not pack are held as ids; and a decision's packed team outlives its
/// decision maker.
@Suite struct TeamSeatsTests {
    /// A recruiter of four experts, `e0` to `e3`.
    static let recruiter = Recruiter(
        experts: ["e0", "e1", "e2", "e3"].map { Fixtures.expert($0, skills: ["algebra": 1]) },
        k: 3,
        strategy: .topK
    )

    /// The team of `recruiter`'s candidates `members`, packed; nil when they do not pack.
    static func packed(_ members: [Int]) -> TeamSeats? {
        members.withUnsafeBufferPointer { TeamSeats(members: $0, owner: ScoreOwner(recruiter)) }
    }

    @Test func packedSeatsReadAsTheirCandidatesIds() throws {
        let seats = try #require(Self.packed([2, 0, 2]))
        #expect(seats.count == 3)
        #expect(seats.ids == ["e2", "e0", "e2"])
        #expect(seats[1] == "e0")
        #expect(try #require(Self.packed([])).ids == [])
    }

    @Test func reorderingMovesEachSeatsMemberInBothForms() throws {
        let order = [2, 0, 1]
        var seats = try #require(Self.packed([3, 1, 0]))
        var named = TeamSeats(["e3", "e1", "e0"])
        order.withUnsafeBufferPointer { order in
            seats.reorder(order)
            named.reorder(order)
        }
        #expect(seats.ids == ["e0", "e3", "e1"])
        #expect(named.ids == ["e0", "e3", "e1"])
    }

    @Test func teamsThatDoNotPackAreRefused() {
        #expect(Self.packed(Array(repeating: 1, count: TeamSeats.packedSeats + 1)) == nil)
        #expect(Self.packed([1, 256]) == nil)
        #expect(Self.packed([-1]) == nil)
        #expect(Self.packed(Array(repeating: 1, count: TeamSeats.packedSeats))?.count == TeamSeats.packedSeats)
    }

    @Test func aPackedTeamComparesHashesAndEncodesAsItsIds() throws {
        let seats = try #require(Self.packed([1, 3]))
        let fresh = Recruitment(seats: seats, scores: [], usedStrengthFallback: false)
        let named = Recruitment(team: ["e1", "e3"], scores: [], usedStrengthFallback: false)
        #expect(fresh == named)
        #expect(fresh.hashValue == named.hashValue)
        let decoded = try JSONDecoder().decode(Recruitment.self, from: try JSONEncoder().encode(fresh))
        #expect(decoded == named)
        let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(fresh)) as? [String: Any])
        #expect(object["team"] as? [String] == ["e1", "e3"])

        var edited = fresh
        edited.team[0] = "e0"
        #expect(edited.team == ["e0", "e3"])
        #expect(fresh.team == ["e1", "e3"])
    }

    @Test func aDecisionsTeamOutlivesItsDecisionMaker() {
        var decision: Decision?
        do {
            let registry = Registry(
                experts: ["e0", "e1", "e2", "e3"].map { Fixtures.expert($0, skills: ["algebra": 1]) },
                skills: [Skill(name: "algebra", domain: "mathematics")],
                roles: []
            )
            let decider = DecisionMaker(registry: registry, k: 3, strategy: .topK, aggregator: "e0", seed: 1)
            decision = decider.decide(for: Instance(id: "q", text: "Solve the algebra problem"))
        }
        #expect(decision?.recruitment.team.count == 3)
        #expect(decision.map { Set($0.recruitment.team).isSubset(of: ["e0", "e1", "e2", "e3"]) } == true)
        #expect(decision?.recruitment.team == decision?.plan.agents.map(\.expert))
    }
}
