/// A one-pass reader of JSON text (RFC 8259) for readers that keep a few values of a document and skip
/// the rest without building it (`CompletionBodyReader`, the gateway's request reader): each step checks
/// the text it passes (UTF-8, escapes and surrogate pairs included) and says false when it is malformed.
///
/// ```swift
/// var model: String?
/// let valid = JSONScanner.readDocument(bytes) { scanner, key in
///     guard key == "model" else { return scanner.skipValue() }
///     model = scanner.readString()
///     return model != nil
/// }
/// ```
public struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Objects and arrays open around the current position (deeper documents are refused, as
    /// `JSONSerialization` refuses them).
    private var depth = 0
    private static let maxDepth = 512

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads `bytes` as one JSON object, `body` reading (or skipping) the value of each key, and nothing
    /// after it but white space; false when the text is not that.
    public static func readDocument(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout JSONScanner, String) -> Bool) -> Bool {
        var scanner = JSONScanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.readObject(body) else { return false }
        scanner.skipSpace()
        return scanner.position == bytes.count
    }

    /// The byte at the position (a value's first byte, where `body` closures are called), nil at the end.
    public var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard next == byte else { return false }
        position += 1
        return true
    }

    /// A number written as a whole one (digits only: no sign, fraction or exponent) that fits an `Int`;
    /// nil, and the position left where it was, for any other value.
    public mutating func readPlainInteger() -> Int? {
        let start = position
        skipDigits()
        // RFC 8259 writes no leading zero (`032` is not JSON).
        let leadingZero = position - start > 1 && bytes[start] == UInt8(ascii: "0")
        guard position > start, !leadingZero, next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E"),
            let value = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        else {
            position = start
            return nil
        }
        return value
    }

    /// A number that is a whole count goes to `set`; any other value is skipped.
    public mutating func readCount(_ set: (Int) -> Void) -> Bool {
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

    /// An object, `body` reading (or skipping) the value of each key; the position is at the value.
    public mutating func readObject(_ body: (inout JSONScanner, String) -> Bool) -> Bool {
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
    public mutating func readArray(_ body: (inout JSONScanner) -> Bool) -> Bool {
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

    /// Skips one value of any kind; false when it is malformed.
    public mutating func skipValue() -> Bool {
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

    /// Skips `word` (`true`, `false`, `null`) at the position; false when it is not there.
    public mutating func skipWord(_ word: StaticString) -> Bool {
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

    /// A string (from its opening quote), escapes resolved; nil when it is not one.
    public mutating func readString() -> String? {
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
