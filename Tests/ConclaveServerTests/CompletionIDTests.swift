import ConclaveCore
import Foundation
import Testing

@testable import ConclaveServer

/// The ids the endpoint gives its completions: OpenAI's `chatcmpl-` prefix and 32 hexadecimal digits,
/// new every time, and in the order they were made when their milliseconds differ.
@Suite struct CompletionIDTests {
    @Test func anIdIsThePrefixAnd32HexDigitsAndNeverRepeats() {
        let ids = (0..<1_000).map { _ in CompletionID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.hasPrefix("chatcmpl-"))
            let digits = id.dropFirst("chatcmpl-".count)
            #expect(digits.count == 32 && digits.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
        }
    }

    @Test func idsMadeLaterSortLater() {
        var generator = SeededGenerator(seed: 7)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // Two milliseconds apart, each half-way through its millisecond (a time's double is not exact).
        let ids = (0..<500).map { CompletionID.make(at: start + (Double($0) * 2 + 0.5) / 1000, using: &generator) }
        let misplaced = zip(ids, ids.dropFirst()).filter { $0 >= $1 }
        #expect(misplaced.isEmpty, "\(misplaced.prefix(3))")
        // The milliseconds lead: 1,800,000,000,000 ms is 0x1a3185c5000.
        #expect(ids[0].hasPrefix("chatcmpl-01a3185c5000"))
    }

    @Test func theDigitsAreTheMillisecondsThenEightyRandomBits() {
        var generator = SeededGenerator(seed: 11)
        var same = SeededGenerator(seed: 11)
        let id = CompletionID.make(at: Date(timeIntervalSince1970: 1_800_000_000.25), using: &generator)
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: digits - text.count) + text
        }
        let random = same.next() as UInt64
        let more = (same.next() as UInt64) & 0xffff
        #expect(id == "chatcmpl-" + hex(1_800_000_000_250, 12) + hex(random, 16) + hex(more, 4))
    }

    @Test func aClockOutsideTheFieldIsClampedNotTrapped() {
        var generator = SeededGenerator(seed: 7)
        let before = CompletionID.make(at: Date(timeIntervalSince1970: -5), using: &generator)
        let after = CompletionID.make(at: Date(timeIntervalSince1970: 1e15), using: &generator)
        #expect(before.hasPrefix("chatcmpl-000000000000"))
        #expect(after.hasPrefix("chatcmpl-ffffffffffff"))
    }
}
