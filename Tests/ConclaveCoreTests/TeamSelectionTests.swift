import ConclaveCore
import Testing

/// Each strategy's seat picking on its own, over weights with known answers.
@Suite struct TeamSelectionTests {
    func seats(_ selection: any TeamSelection, _ weights: [Double], k: Int, seed: UInt64 = 1) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        return weights.withUnsafeBufferPointer { selection.seats(weights: $0, k: k, using: &rng) }
    }

    @Test func everyStrategyIsRegisteredWithItsWeighting() {
        #expect(RecruitmentStrategy.symbolic.selection is SymbolicDraw)
        #expect(RecruitmentStrategy.topK.selection is TopKSelection)
        #expect(RecruitmentStrategy.costAware.selection is CostAwareSelection)
        #expect(RecruitmentStrategy.learned.selection is LearnedSelection)
        #expect(
            RecruitmentStrategy.allCases.map(\.selection.weighting)
                == [.relevanceTimesStrength, .relevanceTimesStrength, .correctnessMinusCost, .correctnessMinusCost]
        )
    }

    @Test func topKTakesPositiveWeightsOnlyAndBreaksTiesByOrder() {
        #expect(seats(TopKSelection(), [0.5, 0, 1.5, 0.5], k: 3) == [2, 0, 3])
        #expect(seats(TopKSelection(), [0.5, 0, -1], k: 3) == [0], "zero and negative weights are not eligible")
        #expect(seats(TopKSelection(), [0, 0, 0], k: 2) == [0, 1], "every candidate when none is positive")
    }

    @Test func costAwareRanksEveryCandidateNegativeIncluded() {
        #expect(seats(CostAwareSelection(), [-0.2, 0.4, 0.1], k: 2) == [1, 2])
        #expect(seats(CostAwareSelection(), [-0.2, -0.4], k: 2) == [0, 1])
    }

    @Test func symbolicDrawsWithReplacementInProportionToWeight() {
        var counts = [0, 0, 0]
        for seed in 1...2_000 {
            for seat in seats(SymbolicDraw(), [1, 0, 3], k: 2, seed: UInt64(seed)) { counts[seat] += 1 }
        }
        #expect(counts[1] == 0, "a zero weight is never drawn")
        let share = Double(counts[2]) / Double(counts[0] + counts[2])
        #expect(abs(share - 0.75) < 0.03, "weight 3 of 4 draws about 75%: \(share)")
        #expect(seats(SymbolicDraw(), [1, 2], k: 5, seed: 9) == seats(SymbolicDraw(), [1, 2], k: 5, seed: 9), "seeded")
        #expect(seats(SymbolicDraw(), [], k: 3).isEmpty)
    }

    @Test func symbolicCountsANegativeWeightAsZeroAndDrawsUniformlyWhenNoneIsPositive() {
        var counts = [0, 0, 0]
        for seed in 1...500 {
            for seat in seats(SymbolicDraw(), [1, -2, 0], k: 2, seed: UInt64(seed)) { counts[seat] += 1 }
        }
        #expect(counts == [1_000, 0, 0], "only the positive weight is drawn")
        counts = [0, 0, 0]
        for seed in 1...500 {
            for seat in seats(SymbolicDraw(), [-1, 0, -3], k: 2, seed: UInt64(seed)) { counts[seat] += 1 }
        }
        #expect(counts.allSatisfy { $0 > 250 }, "every candidate when none is positive: \(counts)")
    }
}
