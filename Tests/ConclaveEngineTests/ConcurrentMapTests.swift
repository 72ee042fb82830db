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

    /// The parts cover every element once, in order, none empty, for any count on any number of cores
    /// (before, on 5 or more cores, some counts, such as 1,121, made a last part that started past the end,
    /// and the map crashed).
    @Test func partsCoverEveryElementOnceOnAnyNumberOfCores() {
        for cores in [1, 2, 3, 4, 6, 8, 12, 16, 48, 64, 128] {
            for elements in Array(0...3_000) + [10_000, 10_001, 65_537] {
                let partition = MapPartition(elements: elements, cores: cores)
                var next = 0
                for part in 0..<partition.parts {
                    let range = partition.range(of: part)
                    guard range.lowerBound == next, !range.isEmpty else {
                        Issue.record("\(elements) elements on \(cores) cores: part \(part) is \(range), expected to start at \(next)")
                        return
                    }
                    next = range.upperBound
                }
                #expect(next == elements, "\(elements) elements on \(cores) cores end at \(next)")
            }
        }
    }
}
