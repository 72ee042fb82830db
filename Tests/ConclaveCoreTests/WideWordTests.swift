import Testing

@testable import ConclaveCore

@Suite struct WideWordTests {
    /// Every non-ASCII scalar of the Basic Multilingual Plane between two ASCII letters: where the pieces
    /// split the word, the tokenizer splits it there too; where they keep it whole, the tokenizer makes one
    /// token of it, which holds a non-ASCII character once lower-cased when the piece is wide.
    @Test func piecesAgreeWithTheTokenizerForEveryScalarOfThePlane() {
        var split = 0
        var kept = 0
        for value in UInt32(0x80)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let word = "a" + String(Character(scalar)) + "b"
            let bytes = Array(word.utf8)
            let pieces = bytes.withUnsafeBufferPointer { WideWord.pieces(of: $0, 0..<$0.count) }
            guard let pieces else { continue }  // the tokenizer reads it
            let tokens = LexicalSkillMatcher.tokens(word)
            if pieces.count == 2 {
                split += 1
                #expect(tokens == ["a", "b"], "U+\(String(value, radix: 16))")
                #expect(pieces.allSatisfy { !$0.wide })
            } else {
                kept += 1
                #expect(pieces.count == 1 && pieces[0].wide, "U+\(String(value, radix: 16))")
                #expect(tokens.count == 1 && tokens[0].unicodeScalars.contains { !$0.isASCII }, "U+\(String(value, radix: 16))")
            }
        }
        #expect(split > 1_000 && kept > 500)
    }
}
