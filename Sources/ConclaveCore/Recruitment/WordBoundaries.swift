/// Finds the words of a UTF-8 text eight bytes at a time: a word is a run of ASCII letters and digits
/// and non-ASCII bytes, as `WordTable.byteClasses` defines it. Each group of eight bytes is classified
/// with a few integer operations on one 64-bit word (no branch per byte), and words are read off a
/// 64-bit mask per 64 bytes, so a question's separators cost almost nothing.
///
/// ```swift
/// WordBoundaries.forEachWord(in: bytes) { range, ascii in print(range, ascii) }
/// ```
enum WordBoundaries {
    /// Calls `body` with each word's byte range, in order, and whether all its bytes are ASCII.
    @inline(__always)
    static func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Bool) -> Void) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var open: Int? = nil  // the start of a word still running at the end of the previous chunk
        var openASCII = true
        var chunk = 0
        while chunk < count {
            let length = min(64, count - chunk)
            var words: UInt64 = 0
            var wide: UInt64 = 0
            var group = 0
            while group < length {
                let (wordBits, wideBits) = classify(base + chunk + group, min(8, length - group))
                words |= wordBits << UInt64(group)
                wide |= wideBits << UInt64(group)
                group += 8
            }
            var bit = 0
            if let start = open {
                // The open word ends at the chunk's first separator, or runs on through the whole chunk.
                let end = (~words).trailingZeroBitCount
                guard end < length else {
                    openASCII = openASCII && wide == 0
                    chunk += length
                    continue
                }
                body(start..<chunk + end, openASCII && wide & (1 << UInt64(end) - 1) == 0)
                open = nil
                bit = end
            }
            while bit < length {
                let rest = words >> UInt64(bit)
                guard rest != 0 else { break }
                let start = bit + rest.trailingZeroBitCount
                let run = (~(words >> UInt64(start))).trailingZeroBitCount
                let end = start + run
                let spanned = (wide >> UInt64(start)) & (run >= 64 ? ~0 : (1 << UInt64(run)) - 1)
                if end >= length, chunk + length < count {
                    open = chunk + start
                    openASCII = spanned == 0
                    break
                }
                body(chunk + start..<chunk + min(end, length), spanned == 0)
                bit = end
            }
            chunk += length
        }
        if let start = open { body(start..<count, openASCII) }
    }

    /// For `count` (1 to 8) bytes at `bytes`: bit i set in the first mask when byte i belongs to a word,
    /// in the second when it is not ASCII.
    @inline(__always)
    private static func classify(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> (UInt64, UInt64) {
        var x: UInt64
        if count == 8 {
            x = UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self))
        } else {
            x = 0
            for index in 0..<count { x |= UInt64(bytes[index]) << UInt64(8 * index) }
        }
        let high: UInt64 = 0x8080_8080_8080_8080
        let wide = x & high
        let y = x & 0x7F7F_7F7F_7F7F_7F7F
        // For a 7-bit byte b, b + (0x80 − n) has its high bit set exactly when b ≥ n.
        let digit = (y &+ 0x5050_5050_5050_5050) & ~(y &+ 0x4646_4646_4646_4646) & high  // 0x30 ... 0x39
        let folded = y | 0x2020_2020_2020_2020  // A ... Z to a ... z
        let letter = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x0505_0505_0505_0505) & high  // a ... z
        return (gather(wide | digit | letter), gather(wide))
    }

    /// The high bit of each byte of `mask` (only high bits set) as bits 0 to 7.
    @inline(__always)
    private static func gather(_ mask: UInt64) -> UInt64 { (mask &* 0x0002_0408_1020_4081) >> 56 }
}
