/// Reads what Conclave keeps of a `chat.completion` body — the first choice's `message.content` and the
/// usage's `prompt_tokens` and `completion_tokens` — in one pass over its bytes, skipping every other
/// value without building it. The whole document is checked as JSON (RFC 8259) on the way: anything
/// malformed reads as nil (invalid UTF-8 and lone surrogates included), as it would with
/// `JSONSerialization`, which costs several times more here (it builds every object, then bridges them).
///
/// ```swift
/// let read = CompletionBodyReader.read(Array(#"{"choices":[{"message":{"content":"Paris."}}],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#.utf8))
/// read?.content        // "Paris."
/// read?.promptTokens   // 9
/// ```
public struct CompletionBodyReader {
    /// The parts read; nil fields were absent (or of another type).
    public struct Read: Sendable, Hashable {
        /// Whether `choices` is an array whose first element is an object.
        public var hasChoice = false
        public var content: String?
        public var promptTokens: Int?
        public var completionTokens: Int?
    }

    /// Reads `bytes`; nil when they are not one JSON object.
    public static func read(_ bytes: some Collection<UInt8>) -> Read? {
        let result = bytes.withContiguousStorageIfAvailable { read(UnsafeBufferPointer(rebasing: $0[...])) }
        return result ?? Array(bytes).withUnsafeBufferPointer { read($0) }
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Read? {
        var reader = CompletionBodyReader(bytes: bytes)
        var found = Read()
        reader.skipSpace()
        guard
            reader.readObject({ reader, key in
                switch key {
                case "choices": return reader.readChoices(into: &found)
                case "usage": return reader.readUsage(into: &found)
                default: return reader.skipValue()
                }
            })
        else { return nil }
        reader.skipSpace()
        return reader.position == bytes.count ? found : nil
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Objects and arrays open around the current position (deeper documents are refused, as
    /// `JSONSerialization` refuses them).
    private var depth = 0
    private static let maxDepth = 512

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard next == byte else { return false }
        position += 1
        return true
    }

    // MARK: the parts kept

    private mutating func readChoices(into found: inout Read) -> Bool {
        guard next == UInt8(ascii: "[") else { return skipValue() }
        var index = 0
        return readArray { reader in
            defer { index += 1 }
            guard index == 0, reader.next == UInt8(ascii: "{") else { return reader.skipValue() }
            found.hasChoice = true
            return reader.readObject { reader, key in
                guard key == "message", reader.next == UInt8(ascii: "{") else { return reader.skipValue() }
                return reader.readObject { reader, key in
                    guard key == "content", reader.next == UInt8(ascii: "\"") else { return reader.skipValue() }
                    guard let content = reader.readString() else { return false }
                    found.content = content
                    return true
                }
            }
        }
    }

    private mutating func readUsage(into found: inout Read) -> Bool {
        guard next == UInt8(ascii: "{") else { return skipValue() }
        return readObject { reader, key in
            switch key {
            case "prompt_tokens": return reader.readCount { found.promptTokens = $0 }
            case "completion_tokens": return reader.readCount { found.completionTokens = $0 }
            default: return reader.skipValue()
            }
        }
    }

    /// A number that is a whole count goes to `set`; any other value is skipped.
    private mutating func readCount(_ set: (Int) -> Void) -> Bool {
        let start = position
        guard let byte = next, byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte) else { return skipValue() }
        guard skipNumber() else { return false }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if let whole = Int(text) {
            set(whole)
        } else if let value = Double(text), value.rounded() == value, abs(value) < 9e18 {
            set(Int(value))
        }
        return true
    }

    // MARK: JSON

    /// An object, `body` reading (or skipping) the value of each key; the position is at the value.
    private mutating func readObject(_ body: (inout CompletionBodyReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")), enter() else { return false }
        defer { depth -= 1 }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            skipSpace()
            guard next == UInt8(ascii: "\""), let key = readString(), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard body(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// An array, `body` reading (or skipping) each element; the position is at the element.
    private mutating func readArray(_ body: (inout CompletionBodyReader) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")), enter() else { return false }
        defer { depth -= 1 }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            skipSpace()
            guard body(&self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    private mutating func enter() -> Bool {
        depth += 1
        return depth <= Self.maxDepth
    }

    private mutating func skipValue() -> Bool {
        skipSpace()
        switch next {
        case UInt8(ascii: "{"): return readObject { reader, _ in reader.skipValue() }
        case UInt8(ascii: "["): return readArray { $0.skipValue() }
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "t"): return skipWord("true")
        case UInt8(ascii: "f"): return skipWord("false")
        case UInt8(ascii: "n"): return skipWord("null")
        default: return skipNumber()
        }
    }

    private mutating func skipWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { return false }
        for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] { return false }
        position += length
        return true
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() -> Bool {
        if next == UInt8(ascii: "-") { position += 1 }
        guard let first = next, (0x30...0x39).contains(first) else { return false }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if next == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() else { return false }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            position += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() else { return false }
        }
        return true
    }

    /// Skips `[0-9]*`; whether there was at least one.
    @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = position
        while let byte = next, (0x30...0x39).contains(byte) { position += 1 }
        return position > start
    }

    private mutating func skipString() -> Bool {
        var ignored: String?
        return scanString(into: &ignored)
    }

    private mutating func readString() -> String? {
        var text: String? = ""
        return scanString(into: &text) ? text : nil
    }

    /// A string from its opening quote; its text (escapes resolved) goes to `text` unless `text` is nil.
    private mutating func scanString(into text: inout String?) -> Bool {
        let decoding = text != nil
        guard next == UInt8(ascii: "\"") else { return false }
        position += 1
        let start = position
        var ascii = true
        // The common case: no escape, read straight from the bytes.
        while let byte = next, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return false }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        guard let stop = next else { return false }
        if stop == UInt8(ascii: "\"") {
            position += 1
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
            if ascii {
                if decoding { text = String(decoding: raw, as: UTF8.self) }
            } else {
                guard let valid = String(validating: raw, as: UTF8.self) else { return false }
                if decoding { text = valid }
            }
            return true
        }
        var decoded = Array(bytes[start..<position])
        while let byte = next {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let valid = String(validating: decoded, as: UTF8.self) else { return false }
                if decoding { text = valid }
                return true
            case UInt8(ascii: "\\"):
                guard let escape = next else { return false }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = readHex4() else { return false }
                    // A high surrogate must be followed by a low one: the two are one scalar.
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                        else { return false }
                        position += 2
                        guard let low = readHex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let valid = Unicode.Scalar(scalar) else { return false }  // a lone low surrogate
                    decoded.append(contentsOf: String(Character(valid)).utf8)
                default: return false
                }
            default:
                guard byte >= 0x20 else { return false }
                decoded.append(byte)
            }
        }
        return false
    }

    private mutating func readHex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
