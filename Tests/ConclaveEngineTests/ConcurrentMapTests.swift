import Testing

@testable import ConclaveEngine

/// `concurrentMap` is `map`: every element transformed, in order, whatever the size and however the chunks
/// fall on the cores.
@Suite struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 31, 63, 64, 65, 100, 1_000, 10_001])
    func givesWhatMapGivesInOrder(count: Int) {
        let elements = (0..<count).map { $0 * 7 + 3 }
        #expect(elements.concurrentMap { "\($0)" } == elements.map { "\($0)" })
    }
}
