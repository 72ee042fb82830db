/// A word of a question with non-ASCII bytes, which the scan hands back to the matcher: one whose only
/// non-ASCII characters are common separators (`don’t`, `1–2`) is split into its ASCII pieces and looked
/// up like any ASCII word; any other goes to the Unicode tokenizer.
enum WideWord {
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
