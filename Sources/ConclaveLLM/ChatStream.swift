import Foundation

/// Reads a chat completion sent as server-sent events (`data: {chat.completion.chunk}` lines, then
/// `data: [DONE]`), fed in whatever pieces the network delivers: each piece of answer text as it is
/// complete, and at the end the whole completion. Without a usage event, the output is counted as one
/// token per content event and the prompt as four characters per token.
///
/// ```swift
/// var reader = ChatStream(promptCharacters: 120)
/// for delta in reader.feed("data: {\"choices\": [{\"delta\": {\"content\": \"Par\"}}]}\n\n") { print(delta) }
/// let completion = reader.completion   // text "Par", tokens counted or estimated
/// ```
public struct ChatStream: Sendable {
    private var pending = ""
    private var text = ""
    private var deltas = 0
    private var usage: (input: Int, output: Int)?
    private let promptCharacters: Int
    /// Whether `[DONE]` was seen.
    public private(set) var isDone = false

    public init(promptCharacters: Int) { self.promptCharacters = promptCharacters }

    /// Takes the next bytes of the stream; returns the pieces of text completed by them.
    public mutating func feed(_ bytes: String) -> [String] {
        pending += bytes
        var found: [String] = []
        while let newline = pending.firstIndex(where: \.isNewline) {
            let line = pending[..<newline]
            pending = String(pending[pending.index(after: newline)...])
            guard line.hasPrefix("data:") else { continue }
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if payload == "[DONE]" {
                isDone = true
                continue
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { continue }
            if let counts = object["usage"] as? [String: Any], let input = counts["prompt_tokens"] as? Int,
                let output = counts["completion_tokens"] as? Int
            {
                usage = (input, output)
            }
            if let choices = object["choices"] as? [[String: Any]], let delta = choices.first?["delta"] as? [String: Any],
                let content = delta["content"] as? String, !content.isEmpty
            {
                text += content
                deltas += 1
                found.append(content)
            }
        }
        return found
    }

    /// The completion read so far.
    public var completion: ChatCompletion {
        ChatCompletion(text: text, inputTokens: usage?.input ?? (promptCharacters + 3) / 4, outputTokens: usage?.output ?? deltas)
    }
}
