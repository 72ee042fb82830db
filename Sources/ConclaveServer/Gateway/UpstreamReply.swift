import ConclaveLLM
import Foundation
import NIOCore

/// What an upstream's chat completion said, read back from the bytes the pass-through relayed: the text
/// and the token counts, from a JSON body or from a stream of server-sent events (read by `ChatStream`).
struct UpstreamReply: Sendable, Hashable {
    var text: String?
    var inputTokens: Int
    var outputTokens: Int

    /// A `chat.completion` body; nil when it is not one.
    static func parse(json buffer: ByteBuffer) -> UpstreamReply? {
        guard let read = buffer.withUnsafeReadableBytes({ CompletionBodyReader.read($0) }), read.hasChoice else { return nil }
        return UpstreamReply(text: read.content, inputTokens: read.promptTokens ?? 0, outputTokens: read.completionTokens ?? 0)
    }

    /// A stream of `chat.completion.chunk` events; `promptCharacters` estimates the prompt's tokens when
    /// the stream carries no usage.
    static func parse(stream buffer: ByteBuffer, promptCharacters: Int) -> UpstreamReply {
        var reader = ChatStream(promptCharacters: promptCharacters)
        _ = reader.feed(String(buffer: buffer))
        let completion = reader.completion
        return UpstreamReply(text: completion.text, inputTokens: completion.inputTokens, outputTokens: completion.outputTokens)
    }
}
