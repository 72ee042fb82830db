import ConclaveTesting
import Dispatch
import Testing

@testable import ConclaveCore

@Suite struct ScoreOwnerTests {
    /// On every thread, the current owner keeps the decision maker's recruiter, and the scores a decision
    /// keeps still read that recruiter's numbers after the decision maker is gone.
    @Test func everyThreadsOwnerKeepsTheRecruiterAliveForTheScores() {
        let expert = Fixtures.expert("math", skills: ["algebra": 3], strength: 2)
        let recruiter = Recruiter(experts: [expert], k: 1, strategy: .topK)
        let owners = ThreadCopies { ScoreOwner(recruiter) }
        let kept = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 32)
        defer { kept.deallocate() }
        nonisolated(unsafe) let slots = kept
        DispatchQueue.concurrentPerform(iterations: 32) { index in slots[index] = owners.current.recruiter === recruiter }
        #expect(kept.allSatisfy { $0 })

        var scores: ExpertScores?
        do {
            let registry = Registry(experts: [expert], skills: [Skill(name: "algebra", domain: "mathematics")], roles: [])
            let decider = DecisionMaker(registry: registry, k: 1, strategy: .topK, aggregator: "math", seed: 1)
            scores = decider.decide(for: Instance(id: "q", text: "Solve the algebra problem")).recruitment.scores
        }
        #expect(scores?.first?.relevance == 3)
        #expect(scores?.first?.relevanceBySkill == ["algebra": 3])
    }
}
