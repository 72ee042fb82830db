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
        var limits: [String: Int] = [:]
        var seen: Set<String> = []
        let usual = JSONScanner.readDocument(bytes) { scanner, key in
            guard kept.contains(key) else { return scanner.skipValue() }
            guard seen.insert(key).inserted else { return false }
            switch (key, scanner.next) {
            case ("model", UInt8(ascii: "\"")):
                model = scanner.readString()
                return model != nil
            case ("messages", UInt8(ascii: "[")):
                return scanner.readArray { scanner in
                    guard let message = message(&scanner) else { return false }
                    messages.append(message)
                    return true
                }
            case ("stream", UInt8(ascii: "t")):
                stream = true
                return scanner.skipWord("true")
            case ("stream", UInt8(ascii: "f")): return scanner.skipWord("false")
            case ("stream", UInt8(ascii: "n")), ("max_tokens", UInt8(ascii: "n")), ("max_completion_tokens", UInt8(ascii: "n")):
                return scanner.skipWord("null")
            case ("max_tokens", _), ("max_completion_tokens", _):
                guard let value = scanner.readPlainInteger(), value > 0 else { return false }
                limits[key] = value
                return true
            default:
                return false
            }
        }
        guard usual, let model, !model.isEmpty, !messages.isEmpty else { return nil }
        return Fields(model: model, messages: messages, stream: stream, maxTokens: limits["max_completion_tokens"] ?? limits["max_tokens"])
    }

    /// The keys read; any other is skipped.
    private static let kept: Set<String> = ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens"]

    /// One message `{"role": "…", "content": "…" or null}` with a role OpenAI knows; nil for anything else.
    private static func message(_ scanner: inout JSONScanner) -> ChatMessage? {
        guard scanner.next == UInt8(ascii: "{") else { return nil }
        var role: ChatMessage.Role?
        var content: String?
        var seen: Set<String> = []
        let usual = scanner.readObject { scanner, key in
            guard key == "role" || key == "content" else { return scanner.skipValue() }
            guard seen.insert(key).inserted else { return false }
            if key == "content", scanner.next == UInt8(ascii: "n") { return scanner.skipWord("null") }
            guard scanner.next == UInt8(ascii: "\""), let text = scanner.readString() else { return false }
            guard key == "role" else {
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
