import Foundation

/// Final answers of math solutions: the content of the last `\boxed{…}` (or `\fbox{…}`), and equivalence
/// of simple forms. Two answers are equivalent when they are the same after normalisation (spaces, `$`,
/// `\left`/`\right`, `\dfrac`/`\tfrac`, `\text{…}` units, degree signs, a trailing period), or when both
/// read as numbers that agree to a relative 1e-6: integers with thousands separators, decimals,
/// percentages, `a/b`, `\frac{a}{b}` and `-\frac{a}{b}`.
///
/// ```swift
/// MathAnswer.boxed(in: "so the answer is $\\boxed{\\dfrac{1}{2}}$.")  // "\\dfrac{1}{2}"
/// MathAnswer.equivalent("\\frac{1}{2}", "0.5")                          // true
/// ```
public enum MathAnswer {
    /// The content of the last `\boxed{…}` or `\fbox{…}`, braces balanced; nil when there is none.
    public static func boxed(in text: String) -> String? {
        let chars = Array(text)
        var found: String?
        var index = 0
        while index < chars.count {
            guard chars[index] == "\\", let opening = openingBrace(in: chars, after: index) else {
                index += 1
                continue
            }
            var depth = 0
            var end = opening
            while end < chars.count {
                if chars[end] == "{" { depth += 1 }
                if chars[end] == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
                end += 1
            }
            guard end < chars.count else { break }
            found = String(chars[(opening + 1)..<end]).trimmingCharacters(in: .whitespaces)
            index = end + 1
        }
        return found
    }

    private static func openingBrace(in chars: [Character], after slash: Int) -> Int? {
        for command in ["boxed", "fbox"] {
            let name = Array(command)
            guard slash + name.count < chars.count, Array(chars[(slash + 1)...(slash + name.count)]) == name else { continue }
            var next = slash + name.count + 1
            while next < chars.count, chars[next] == " " { next += 1 }
            if next < chars.count, chars[next] == "{" { return next }
        }
        return nil
    }

    public static func equivalent(_ answer: String, _ gold: String) -> Bool {
        let left = normalize(answer)
        let right = normalize(gold)
        if left == right { return !left.isEmpty }
        guard let x = value(of: left), let y = value(of: right) else { return false }
        return abs(x - y) <= 1e-6 * max(1, abs(y))
    }

    /// The answer without presentation: `\dfrac{1}{2}\ \text{cm}.` → `\frac{1}{2}`.
    public static func normalize(_ text: String) -> String {
        var text = text
        text = text.replacingOccurrences(of: #"\\text\{\s*[a-zA-Z ]*\}"#, with: "", options: .regularExpression)
        for (from, to) in [
            ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\left", ""), ("\\right", ""), ("\\!", ""), ("\\,", ""),
            ("\\ ", ""), ("$", ""), ("^{\\circ}", ""), ("^\\circ", ""), ("°", ""), (" ", ""),
        ] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A normalised answer read as a number, when it is one of the simple numeric forms.
    static func value(of text: String) -> Double? {
        var text = text.replacingOccurrences(of: ",", with: "")
        var scale = 1.0
        if text.hasSuffix("\\%") || text.hasSuffix("%") {
            text = String(text.dropLast(text.hasSuffix("\\%") ? 2 : 1))
            scale = 0.01
        }
        var sign = 1.0
        if text.hasPrefix("-") {
            sign = -1
            text.removeFirst()
        }
        if let plain = Double(text) { return sign * plain * scale }
        if let match = text.wholeMatch(of: /\\frac\{(-?[0-9.]+)\}\{(-?[0-9.]+)\}/) ?? text.wholeMatch(of: /\\frac([0-9])([0-9])/),
            let top = Double(match.1), let bottom = Double(match.2), bottom != 0
        {
            return sign * top / bottom * scale
        }
        let parts = text.split(separator: "/")
        if parts.count == 2, let top = Double(parts[0]), let bottom = Double(parts[1]), bottom != 0 { return sign * top / bottom * scale }
        return nil
    }
}
