import Foundation
import Testing

@testable import ConclaveServer

/// The pooled system random numbers the completion ids are made of: never handed out twice, from any
/// number of threads, across the pool's refills, and with every bit set about half the time.
@Suite struct PooledRandomNumberGeneratorTests {
    @Test func numbersDrawnOnManyThreadsAcrossRefillsAreDistinctAndBalanced() async {
        let drawn = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var generator = PooledRandomNumberGenerator()
                    return (0..<2_500).map { _ in generator.next() }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(drawn.count == 10_000)
        #expect(Set(drawn).count == drawn.count)
        for bit in 0..<64 {
            let set = drawn.filter { $0 >> UInt64(bit) & 1 == 1 }.count
            // 10,000 fair draws: 5,000 ± 50 expected; 4,700...5,300 is six standard deviations.
            #expect((4_700...5_300).contains(set), "bit \(bit) set in \(set) of 10,000")
        }
    }
}
