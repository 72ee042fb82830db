import Foundation
import NIOCore

/// What an upstream's chat completion said, read back from the bytes the pass-through relayed: the text
/// and the token counts, from a JSON body or from a stream of server-sent events. A stream without a
/// usage event counts one output token per content event and estimates the prompt at four characters
/// per token.
struct UpstreamReply: Sendable, Hashable {
    var text: String?
    var inputTokens: Int
    var outputTokens: Int

    /// A `chat.completion` body; nil when it is not one.
    static func parse(json buffer: ByteBuffer) -> UpstreamReply? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]], let first = choices.first
        else { return nil }
        let usage = object["usage"] as? [String: Any]
        return UpstreamReply(
            text: (first["message"] as? [String: Any])?["content"] as? String,
            inputTokens: usage?["prompt_tokens"] as? Int ?? 0,
            outputTokens: usage?["completion_tokens"] as? Int ?? 0
        )
    }

    /// A stream of `chat.completion.chunk` events; `promptCharacters` estimates the prompt's tokens when
    /// the stream carries no usage.
    static func parse(stream buffer: ByteBuffer, promptCharacters: Int) -> UpstreamReply {
        var text = ""
        var deltas = 0
        var usage: [String: Any]?
        for line in String(buffer: buffer).split(whereSeparator: \.isNewline) where line.hasPrefix("data:") {
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            guard payload != "[DONE]", let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { continue }
            if let found = object["usage"] as? [String: Any] { usage = found }
            if let choices = object["choices"] as? [[String: Any]], let delta = choices.first?["delta"] as? [String: Any],
                let content = delta["content"] as? String, !content.isEmpty
            {
                text += content
                deltas += 1
            }
        }
        return UpstreamReply(
            text: text,
            inputTokens: usage?["prompt_tokens"] as? Int ?? (promptCharacters + 3) / 4,
            outputTokens: usage?["completion_tokens"] as? Int ?? deltas
        )
    }
}
