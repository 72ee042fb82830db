import CWordBits

/// Finds the words of a UTF-8 text 64 bytes at a time: a word is a run of ASCII letters and digits and
/// non-ASCII bytes; every other ASCII byte separates words. Each chunk of 64 bytes is classified with
/// vector instructions (`conclave_word_bits64`, no branch per byte), and words are read off the 64-bit
/// mask it gives, so a question's separators cost almost nothing.
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
            let words = Self.classify(base + chunk, length, wide: &wide)
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

    /// For `count` (1 to 64) bytes at `bytes`: bit i set when byte i belongs to a word; `wide` gets bit i
    /// set when byte i is not ASCII. A last chunk shorter than 64 bytes is classified from a zero-padded
    /// copy (zero bytes separate words).
    @inline(__always)
    private static func classify(_ bytes: UnsafePointer<UInt8>, _ count: Int, wide: inout UInt64) -> UInt64 {
        guard count < 64 else { return conclave_word_bits64(bytes, &wide) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { padded in
            padded.initialize(repeating: 0)
            _ = padded.initialize(from: UnsafeBufferPointer(start: bytes, count: count))
            return conclave_word_bits64(padded.baseAddress!, &wide)
        }
    }
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
