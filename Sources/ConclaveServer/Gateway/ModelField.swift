import NIOCore

/// Rewrites the top-level `"model"` string of a JSON request body in place of re-encoding the whole body:
/// the pass-through forwards every other byte as the client sent it. The scan walks the top-level object
/// only, skipping nested values and strings (with their escapes), so a `"model"` inside a message is never
/// touched; a body it cannot read plainly (no such key, an escaped key, a value that is not a string)
/// gives nil, and the caller re-encodes instead.
///
/// ```swift
/// ModelField.replacing(in: ByteBuffer(string: #"{"model": "quickstart", "stream": true}"#), with: "gpt-4o")
/// // {"model": "gpt-4o", "stream": true}
/// ```
enum ModelField {
    static func replacing(in body: ByteBuffer, with model: String) -> ByteBuffer? {
        guard let span = body.withUnsafeReadableBytes({ valueSpan(in: $0) }) else { return nil }
        var escaped = ""
        escaped.reserveCapacity(model.utf8.count + 2)
        for scalar in model.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20:
                escaped += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        var result = ByteBuffer()
        result.reserveCapacity(body.readableBytes + escaped.utf8.count)
        result.writeImmutableBuffer(body.getSlice(at: body.readerIndex, length: span.lowerBound) ?? ByteBuffer())
        result.writeString("\"\(escaped)\"")
        result.writeImmutableBuffer(
            body.getSlice(at: body.readerIndex + span.upperBound, length: body.readableBytes - span.upperBound) ?? ByteBuffer()
        )
        return result
    }

    /// The byte range of the top-level `"model"` value (its quotes included), when it is a string.
    static func valueSpan(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        /// Moves past a string starting at `index` (a quote); its content range, or nil when unterminated.
        func string() -> Range<Int>? {
            let start = index + 1
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<(index - 1)
                default: index += 1
                }
            }
            return nil
        }
        /// Moves past any value starting at `index`.
        func value() -> Bool {
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "\"") { return string() != nil }
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                case UInt8(ascii: ","): if depth == 0 { return true }
                default: break
                }
                index += 1
            }
            return depth == 0
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            let isModel = key.count == 5 && zip(bytes[key], "model".utf8).allSatisfy { $0 == $1 }
            if isModel {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let start = index
                guard string() != nil else { return nil }
                return start..<index
            }
            guard value() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}
