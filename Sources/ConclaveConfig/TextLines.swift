/// Lines as YAML counts them: `\n`, `\r\n`, a lone `\r`, and the Unicode breaks NEL, LS and PS each end one.
/// A diagnostic's line is never past the last of them.
public enum TextLines {
    /// The number of lines, counted from 1 (an empty text has one, empty, line).
    public static func count(in text: String) -> Int { end(of: text).line }

    /// The line of the last character and the column just after it.
    static func end(of text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\n" where previous == "\r": continue
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                line += 1
                column = 1
            default:
                column += 1
            }
        }
        return (line, column)
    }
}
