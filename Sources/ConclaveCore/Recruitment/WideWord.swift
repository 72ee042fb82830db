/// A word of a question with non-ASCII bytes, which the scan hands back to the matcher, cut into the
/// pieces the Unicode tokenizer (`LexicalSkillMatcher.tokens`) would make of it, without building a
/// `String`: it splits at punctuation and symbols (`don’t`, `1–2`, `5°C`), and a piece that holds a
/// Latin, Greek or Cyrillic letter that stays non-ASCII once lower-cased (`μg`, `naïve`) is marked wide:
/// it can only be a vocabulary word that is not ASCII. Anything whose pieces depend on how characters
/// cluster (combining marks, joiners, format characters, emoji modifiers, other scripts) goes to the
/// tokenizer instead.
///
/// ```swift
/// // "don’t" → [don, t]; "10μg" → [10μg (wide)]; "e\u{301}" → nil (a combining mark: the tokenizer)
/// ```
enum WideWord {
    /// A piece of a word: its bytes, and whether it holds a non-ASCII letter or number.
    struct Piece {
        var range: Range<Int>
        var wide: Bool
    }

    /// What a non-ASCII character is to the tokenizer, as far as a piece needs to know.
    private enum Kind {
        /// Neither letter nor number, and never joined to a neighbour into one character: a word ends at it.
        case separator
        /// A letter or number, on its own a character, that stays non-ASCII once lower-cased.
        case letter
        /// Anything else: the tokenizer decides.
        case other
    }

    /// Punctuation and symbols common in English questions, known without asking Unicode's tables.
    private static func commonSeparator(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x00A0, 0x00B0, 0x00D7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2192, 0x2212, 0x279E: true
        default: false
        }
    }

    private static func kind(of value: UInt32) -> Kind {
        if commonSeparator(value) { return .separator }
        guard let scalar = Unicode.Scalar(value) else { return .other }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
            .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .spaceSeparator:
            let joins = properties.isAlphabetic || properties.numericType != nil || properties.isGraphemeExtend || properties.isEmojiModifier
            return joins ? .other : .separator
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter:
            // Latin, Greek and Cyrillic letters stand alone as characters.
            guard (0x00C0...0x04FF).contains(value) || value == 0x00B5 else { return .other }
            // (Most are lower-case already: only the others need their mapping, a string, worked out.)
            guard properties.changesWhenLowercased else { return .letter }
            return properties.lowercaseMapping.unicodeScalars.contains { !$0.isASCII } ? .letter : .other
        default:
            return .other
        }
    }

    /// The pieces of the word at `range` of `text` (ASCII letters and digits and non-ASCII bytes), in
    /// order; nil when the tokenizer must read it.
    static func pieces(of text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Piece]? {
        var pieces: [Piece] = []
        var start = range.lowerBound
        var wide = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = text[index]
            guard byte >= 0x80 else {
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            guard byte >= 0xC2, byte < 0xF5, index + length <= range.upperBound else { return nil }
            var scalar = UInt32(byte & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F))
            for offset in 1..<length {
                let next = text[index + offset]
                guard next & 0xC0 == 0x80 else { return nil }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            switch kind(of: scalar) {
            case .other:
                return nil
            case .letter:
                wide = true
                index += length
            case .separator:
                if start < index { pieces.append(Piece(range: start..<index, wide: wide)) }
                index += length
                start = index
                wide = false
            }
        }
        if start < index { pieces.append(Piece(range: start..<index, wide: wide)) }
        return pieces
    }
}
