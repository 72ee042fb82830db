import ConclaveCore

/// Where in a YAML or JSON text a mutation lands: the values after `: `, the runs of digits, the starts of
/// lines. Found by scanning bytes, so they work on text that is already damaged.
enum TextSites {
    /// The value after each `: `, up to the end of its line or the next `,`, `}` or `]`; the scan goes on
    /// after the value, so a line of a thousand `a: ` costs one pass.
    static func values(in bytes: [UInt8]) -> [Range<Int>] {
        var sites: [Range<Int>] = []
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == colon, bytes[index + 1] == space else {
                index += 1
                continue
            }
            var start = index + 2
            while start < bytes.count, bytes[start] == space { start += 1 }
            var end = start
            while end < bytes.count, !valueEnds.contains(bytes[end]) { end += 1 }
            sites.append(start..<end)
            index = end
        }
        return sites
    }

    private static let colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")
    private static let valueEnds: Set<UInt8> = Set("\n,}]".utf8)

    /// Each maximal run of digits, with the dots and exponents inside it.
    static func numbers(in bytes: [UInt8]) -> [Range<Int>] {
        var sites: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "e") { end += 1 }
            sites.append(index..<end)
            index = end
        }
        return sites
    }

    /// A random value replaced by `text`; inserted at a random point when the file has no value.
    static func replaceValue(in bytes: [UInt8], with text: String, using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        if let site = values(in: bytes).randomElement(using: &rng) {
            bytes.replaceSubrange(site, with: Array(text.utf8))
        } else {
            bytes.insert(contentsOf: Array(text.utf8), at: insertionPoint(in: bytes, using: &rng))
        }
        return bytes
    }

    /// A random number replaced by `replacement(number)`; a value replaced when the file has no number.
    static func replaceNumber(in bytes: [UInt8], with replacement: (String) -> String, using rng: inout SeededGenerator) -> [UInt8] {
        guard let site = numbers(in: bytes).randomElement(using: &rng) else {
            return replaceValue(in: bytes, with: replacement("1"), using: &rng)
        }
        var bytes = bytes
        bytes.replaceSubrange(site, with: Array(replacement(String(decoding: bytes[site], as: UTF8.self)).utf8))
        return bytes
    }

    /// The start of a random line, or a random byte, with even odds.
    static func insertionPoint(in bytes: [UInt8], using rng: inout SeededGenerator) -> Int {
        if Bool.random(using: &rng) {
            let starts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
            return starts.randomElement(using: &rng)!
        }
        return Int.random(in: 0...bytes.count, using: &rng)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
