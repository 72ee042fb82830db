import CWordScan
import ConclaveCore
import Testing

/// The vector classification of 64-byte chunks agrees with the definition byte by byte, as this processor
/// runs it and as one without AVX2 does.
@Suite struct WordBitsTests {
    @Test func everyByteIsClassifiedAsTheDefinitionSays() {
        var rng = SeededGenerator(seed: 11)
        var bytes = [UInt8](repeating: 0, count: 64)
        for _ in 0..<5_000 {
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &rng) }
            var expectedWords: UInt64 = 0
            var expectedWide: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                // A digit, an ASCII letter of either case, or any non-ASCII byte.
                let inWord = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0x80
                if inWord { expectedWords |= 1 << UInt64(index) }
                if byte >= 0x80 { expectedWide |= 1 << UInt64(index) }
            }
            for classify in [conclave_word_bits64, conclave_word_bits64_without_avx2] {
                var wide: UInt64 = 0
                let words = bytes.withUnsafeBufferPointer { classify($0.baseAddress!, &wide) }
                #expect(words == expectedWords)
                #expect(wide == expectedWide)
            }
        }
    }
}
