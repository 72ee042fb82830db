import Testing

@testable import ConclaveCore

@Suite struct FrozenArrayTests {
    /// Every width from 0 to 13 (vector groups of four and every remainder), every subset of up to three
    /// rows (repeats included) of seeded numbers: the sums equal adding the rows one by one, in order.
    @Test func sumRowsEqualsAddingTheRowsInOrder() {
        var rng = SeededGenerator(seed: 9)
        for width in 0...13 {
            let rowCount = 5
            let values = (0..<(width * rowCount)).map { _ in Double(Int.random(in: -1000...1000, using: &rng)) / 7 }
            let table = FrozenArray(values)
            defer { table.free() }
            var choices: [[Int]] = [[]]
            for first in 0..<rowCount {
                choices.append([first])
                for second in 0..<rowCount {
                    choices.append([first, second])
                    choices.append([first, second, (first + second) % rowCount])
                }
            }
            for rows in choices {
                var expected = [Double](repeating: 0, count: width)
                for row in rows { for place in 0..<width { expected[place] += values[row * width + place] } }
                var sums = [Double](repeating: .nan, count: width)
                rows.withUnsafeBufferPointer { rows in
                    sums.withUnsafeMutableBufferPointer { table.sumRows(rows, width: width, into: $0) }
                }
                #expect(sums == expected, "width \(width), rows \(rows)")
            }
        }
    }
}
