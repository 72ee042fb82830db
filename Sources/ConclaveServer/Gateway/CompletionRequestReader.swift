import ConclaveCore
import ConclaveLLM
import NIOCore

/// The usual chat completion request read in one pass over its bytes (`JSONScanner`), without building
/// the document: a `model` string, `messages` of a known role with text content (or none), `stream` as
/// true, false or null, and `max_completion_tokens` or `max_tokens` as plain positive whole numbers (or
/// null). Anything else — a field of another type, content given as parts, `stream_options`, a key given
/// twice, malformed JSON — reads as nil (the scan stops there), and `CompletionRequest` reads the body
/// with `JSONSerialization` instead, so both ways give the same request and the same errors.
///
/// ```swift
/// let fields = CompletionRequestReader.read(ByteBuffer(string: #"{"model": "quickstart", "messages": [{"role": "user", "content": "2+2?"}]}"#))
/// fields?.model      // "quickstart"
/// ```
enum CompletionRequestReader {
    /// What the reader keeps of a request.
    struct Fields: Hashable {
        var model: String
        var messages: [ChatMessage]
        var stream: Bool
        var maxTokens: Int?
    }

    static func read(_ body: ByteBuffer) -> Fields? {
        body.withUnsafeReadableBytes { raw in read(raw.bindMemory(to: UInt8.self)) }
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Fields? {
        var model: String?
        var messages: [ChatMessage] = []
        var stream = false
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var seen: Keys = []
        let usual = JSONScanner.readDocument(bytes) { scanner, key in
            guard let field = Keys(named: key) else { return scanner.skipValue() }
            guard seen.insert(field).inserted else { return false }
            switch (field, scanner.next) {
            case (.model, UInt8(ascii: "\"")):
                model = scanner.readString()
                return model != nil
            case (.messages, UInt8(ascii: "[")):
                return scanner.readArray { scanner in
                    guard let message = message(&scanner) else { return false }
                    messages.append(message)
                    return true
                }
            case (.stream, UInt8(ascii: "t")):
                stream = true
                return scanner.skipWord("true")
            case (.stream, UInt8(ascii: "f")): return scanner.skipWord("false")
            case (.stream, UInt8(ascii: "n")), (.maxTokens, UInt8(ascii: "n")), (.maxCompletionTokens, UInt8(ascii: "n")):
                return scanner.skipWord("null")
            case (.maxTokens, _), (.maxCompletionTokens, _):
                guard let value = scanner.readPlainInteger(), value > 0 else { return false }
                if field == .maxTokens { maxTokens = value } else { maxCompletionTokens = value }
                return true
            default:
                return false
            }
        }
        guard usual, let model, !model.isEmpty, !messages.isEmpty else { return nil }
        return Fields(model: model, messages: messages, stream: stream, maxTokens: maxCompletionTokens ?? maxTokens)
    }

    /// The keys read, of the request and of a message, as a set of bits (any other key is skipped): no set
    /// of strings is made per request.
    private struct Keys: OptionSet {
        let rawValue: UInt8
        static let model = Keys(rawValue: 1)
        static let messages = Keys(rawValue: 2)
        static let stream = Keys(rawValue: 4)
        static let streamOptions = Keys(rawValue: 8)
        static let maxTokens = Keys(rawValue: 16)
        static let maxCompletionTokens = Keys(rawValue: 32)
        static let role = Keys(rawValue: 64)
        static let content = Keys(rawValue: 128)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The request's key named `name`; nil for one not read.
        init?(named name: String) {
            switch name {
            case "model": self = .model
            case "messages": self = .messages
            case "stream": self = .stream
            case "stream_options": self = .streamOptions
            case "max_tokens": self = .maxTokens
            case "max_completion_tokens": self = .maxCompletionTokens
            default: return nil
            }
        }
    }

    /// One message `{"role": "…", "content": "…" or null}` with a role OpenAI knows; nil for anything else.
    private static func message(_ scanner: inout JSONScanner) -> ChatMessage? {
        guard scanner.next == UInt8(ascii: "{") else { return nil }
        var role: ChatMessage.Role?
        var content: String?
        var seen: Keys = []
        let usual = scanner.readObject { scanner, key in
            let field: Keys
            switch key {
            case "role": field = .role
            case "content": field = .content
            default: return scanner.skipValue()
            }
            guard seen.insert(field).inserted else { return false }
            if field == .content, scanner.next == UInt8(ascii: "n") { return scanner.skipWord("null") }
            guard scanner.next == UInt8(ascii: "\""), let text = scanner.readString() else { return false }
            guard field == .role else {
                content = text
                return true
            }
            switch text {
            case "system", "developer": role = .system
            case "user": role = .user
            case "assistant", "tool": role = .assistant
            default: return false
            }
            return true
        }
        guard usual, let role else { return nil }
        return ChatMessage(role: role, content: content ?? "")
    }
}
