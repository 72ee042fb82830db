import ConclaveCore

/// One way a fuzz case damages a file. Every mutation is a pure function of the file's bytes and a seeded
/// generator, so a case is reproduced from the run's seed and its index alone.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// let damaged = Mutation.hugeNumber.apply(to: Array(yaml.utf8), using: &rng)
/// ```
public enum Mutation: String, CaseIterable, Sendable {
    /// Cut the file at a random byte (the empty file included).
    case truncate
    /// Change one to eight random bytes.
    case flipBytes
    /// Replace a value with one of another type: a list, a map, a string, a boolean, null, a number.
    case swapType
    /// Replace a number or a value with a huge, infinite, NaN, hexadecimal or base-60 one.
    case hugeNumber
    /// Make a number negative.
    case negativeNumber
    /// Replace a value with tens to thousands of nested lists or maps, or deeply indented blocks.
    case deepNesting
    /// Insert bytes that are not UTF-8: stray continuation bytes, cut sequences, surrogates, overlong forms.
    case invalidUTF8
    /// Insert a line, a key or a value of thousands to a hundred thousand characters.
    case longLine
    /// Repeat, drop or swap lines (a dataset row twice, a key twice, a mapping without its key).
    case shuffleLines
    /// Insert YAML's less common syntax: anchors, aliases, tags, merge keys, document markers, tabs, NUL, a BOM.
    case yamlSyntax

    public func apply(to bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        switch self {
        case .truncate:
            return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
        case .flipBytes:
            var bytes = bytes
            guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &rng)] }
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] =
                    Bool.random(using: &rng)
                    ? bytes[index] ^ (1 << UInt8.random(in: 0...7, using: &rng))
                    : UInt8.random(in: 0...255, using: &rng)
            }
            return bytes
        case .swapType:
            return TextSites.replaceValue(in: bytes, with: Self.otherTypes.randomElement(using: &rng)!, using: &rng)
        case .hugeNumber:
            let huge = Self.hugeNumbers.randomElement(using: &rng)!
            return Bool.random(using: &rng)
                ? TextSites.replaceNumber(in: bytes, with: { _ in huge }, using: &rng)
                : TextSites.replaceValue(in: bytes, with: huge, using: &rng)
        case .negativeNumber:
            let negative = ["-1", "-0", "-99999", "-0.5", "-1e9"].randomElement(using: &rng)!
            return Bool.random(using: &rng)
                ? TextSites.replaceNumber(in: bytes, with: { "-" + $0 }, using: &rng)
                : TextSites.replaceValue(in: bytes, with: negative, using: &rng)
        case .deepNesting:
            return TextSites.replaceValue(in: bytes, with: Self.nested(using: &rng), using: &rng)
        case .invalidUTF8:
            var bytes = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                bytes.insert(contentsOf: Self.invalidSequences.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
            }
            return bytes
        case .longLine:
            return Self.insertLongText(into: bytes, using: &rng)
        case .shuffleLines:
            return Self.shuffleLines(bytes, using: &rng)
        case .yamlSyntax:
            let special = Self.yamlSpecials.randomElement(using: &rng)!
            var bytes = bytes
            bytes.insert(contentsOf: Array(special.utf8), at: TextSites.insertionPoint(in: bytes, using: &rng))
            return bytes
        }
    }

    static let otherTypes = ["[]", "{}", "[1, 2]", "{a: 1}", "{\"a\": 1}", "true", "null", "~", "\"text\"", "''", "42", "3.5", "-", "[[]]", "\"\""]

    static let hugeNumbers = [
        "1e308", "1e400", "-1e400", "99999999999999999999", "9223372036854775807", "-9223372036854775808",
        "18446744073709551616", ".inf", "-.inf", ".nan", ".NaN", "NaN", "Infinity", "0x7fffffffffffffff",
        "9223372036854775807:0", "1:2:3:4:5:6:7:8:9:10:11:12", "1e-400", "4.9e-324", "1_000_000_000_000",
        "0o7777777777777777777777", "0b" + String(repeating: "1", count: 70),
    ]

    static let invalidSequences: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    static let yamlSpecials = [
        "&a ", "*a", "*undefined ", "!!int ", "!!binary ", "!!str ", "!custom ", "!!python/object:os.system ", "? ", "---\n", "\n...\n",
        "%YAML 1.1\n", "\t", "\0", "<<: *a\n", "- ", ": ", "|\n", ">-\n", "#", "\"", "'", "{", "[", "}", "]", "\r", "\u{FEFF}", "\u{2028}",
        "a: &x [*x]\n", "x: &y {k: *y}\n",
    ]

    /// Lists or maps nested 16 to 5,000 deep, or a block indented 300 levels.
    static func nested(using rng: inout SeededGenerator) -> String {
        let depth = [16, 100, 600, 1_100, 5_000].randomElement(using: &rng)!
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 1: return String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
        case 2: return String(repeating: "{\"a\": ", count: depth) + "1" + String(repeating: "}", count: depth)
        default: return "\n" + (1...300).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n") + "x"
        }
    }

    /// A long run of letters, digits or key-value pairs, as a line of its own or glued into a value.
    static func insertLongText(into bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        let length = [1_000, 20_000, 100_000].randomElement(using: &rng)!
        let unit = ["x", "9", "a: ", "é", "ab cd ", "{", "\\u00e9"].randomElement(using: &rng)!
        let text = String(repeating: unit, count: length / unit.utf8.count)
        var bytes = bytes
        if Bool.random(using: &rng) {
            bytes.insert(contentsOf: Array(("\n" + text + "\n").utf8), at: TextSites.insertionPoint(in: bytes, using: &rng))
            return bytes
        }
        return TextSites.replaceValue(in: bytes, with: text, using: &rng)
    }

    static func shuffleLines(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        guard !lines.isEmpty else { return bytes }
        let index = Int.random(in: 0..<lines.count, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: lines.insert(lines[index], at: Int.random(in: 0...lines.count, using: &rng))
        case 1: lines.remove(at: index)
        default: lines.swapAt(index, Int.random(in: 0..<lines.count, using: &rng))
        }
        return Array(lines.joined(separator: [0x0A]))
    }
}
