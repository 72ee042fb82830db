/// Finds the words of a UTF-8 text eight bytes at a time: a word is a run of ASCII letters and digits
/// and non-ASCII bytes; every other ASCII byte separates words. Each group of eight bytes is classified
/// with a few integer operations on one 64-bit word (no branch per byte), and words are read off a
/// 64-bit mask per 64 bytes, so a question's separators cost almost nothing.
///
/// ```swift
/// var words = WordBoundaries(bytes)
/// while let (range, ascii) = words.next() { print(range, ascii) }
/// ```
struct WordBoundaries {
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    /// Where the chunk of (up to) 64 bytes read last starts, and where the next one does.
    private var chunk = 0
    private var nextChunk = 0
    /// The first and the last byte of each run of word bytes of the chunk not yet returned, one each,
    /// and the chunk's non-ASCII bytes.
    private var starts: UInt64 = 0
    private var ends: UInt64 = 0
    private var wide: UInt64 = 0
    /// Whether a run reaching the chunk's last byte may go on in the next chunk.
    private var more = false
    /// A word still running at the end of the chunk: its start (-1: none), and whether it has a non-ASCII
    /// byte so far.
    private var open = -1
    private var openWide = false

    init(_ text: UnsafeBufferPointer<UInt8>) {
        base = text.baseAddress
        count = text.count
    }

    /// The next word's byte range and whether all its bytes are ASCII; nil after the last.
    @inline(__always)
    mutating func next() -> (range: Range<Int>, ascii: Bool)? {
        while true {
            if starts != 0 {
                let start = starts.trailingZeroBitCount
                let end = ends.trailingZeroBitCount
                starts &= starts &- 1
                ends &= ends &- 1
                let spanned = (wide >> UInt64(start)) & Self.mask(end - start + 1)
                guard end == 63, more else { return (chunk + start..<chunk + end + 1, spanned == 0) }
                open = chunk + start
                openWide = spanned != 0
            }
            guard let base, nextChunk < count else {
                guard open >= 0 else { return nil }
                defer { open = -1 }
                return (open..<count, !openWide)
            }
            chunk = nextChunk
            let length = min(64, count - chunk)
            nextChunk = chunk + length
            more = nextChunk < count
            var words: UInt64 = 0
            wide = 0
            var group = 0
            while group < length {
                let (wordBits, wideBits) = Self.classify(base + chunk + group, min(8, length - group))
                words |= wordBits << UInt64(group)
                wide |= wideBits << UInt64(group)
                group += 8
            }
            starts = words & ~(words << 1)
            ends = words & ~(words >> 1)
            guard open >= 0 else { continue }
            if words & 1 == 0 {
                defer { open = -1 }
                return (open..<chunk, !openWide)
            }
            let end = ends.trailingZeroBitCount
            openWide = openWide || wide & Self.mask(end + 1) != 0
            starts &= starts &- 1
            ends &= ends &- 1
            guard end == 63, more else {
                defer { open = -1 }
                return (open..<chunk + end + 1, !openWide)
            }
        }
    }

    /// The lowest `bits` (1 to 64) bits set.
    @inline(__always)
    private static func mask(_ bits: Int) -> UInt64 { bits >= 64 ? ~0 : (1 << UInt64(bits)) &- 1 }

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

extension WordBoundaries {
    /// Punctuation and symbols common in English questions that are neither letters nor numbers, so the
    /// Unicode tokenizer splits words at them, and that never join a neighbour into one character.
    private static func separates(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x00A0, 0x00B0, 0x00D7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2192, 0x2212, 0x279E: true
        default: false
        }
    }

    /// The ASCII pieces of a word whose only non-ASCII characters are such separators (`don’t` is `don`
    /// and `t`), as byte ranges; nil when the word has any other non-ASCII character and needs the
    /// Unicode tokenizer.
    static func asciiPieces(of text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>]? {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = text[index]
            guard byte >= 0x80 else {
                index += 1
                continue
            }
            // A separator is two or three bytes long; anything else goes to the tokenizer.
            let length = byte >= 0xE0 ? 3 : 2
            guard byte >= 0xC2, byte < 0xF0, index + length <= range.upperBound else { return nil }
            var scalar = UInt32(byte & (length == 3 ? 0x0F : 0x1F))
            for offset in 1..<length {
                let next = text[index + offset]
                guard next & 0xC0 == 0x80 else { return nil }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            guard separates(scalar) else { return nil }
            if start < index { pieces.append(start..<index) }
            index += length
            start = index
        }
        if start < index { pieces.append(start..<index) }
        return pieces
    }
}
