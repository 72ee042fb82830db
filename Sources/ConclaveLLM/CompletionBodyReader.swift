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
public enum CompletionBodyReader {
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
        var found = Read()
        let read = JSONScanner.readDocument(bytes) { reader, key in
            switch key {
            case "choices": return readChoices(&reader, into: &found)
            case "usage": return readUsage(&reader, into: &found)
            default: return reader.skipValue()
            }
        }
        return read ? found : nil
    }

    // MARK: the parts kept

    private static func readChoices(_ reader: inout JSONScanner, into found: inout Read) -> Bool {
        guard reader.next == UInt8(ascii: "[") else { return reader.skipValue() }
        var index = 0
        return reader.readArray { reader in
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

    private static func readUsage(_ reader: inout JSONScanner, into found: inout Read) -> Bool {
        guard reader.next == UInt8(ascii: "{") else { return reader.skipValue() }
        return reader.readObject { reader, key in
            switch key {
            case "prompt_tokens": return reader.readCount { found.promptTokens = $0 }
            case "completion_tokens": return reader.readCount { found.completionTokens = $0 }
            default: return reader.skipValue()
            }
        }
    }
}
