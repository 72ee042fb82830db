import ConclaveCore
import ConclaveStore
import Foundation
import NIOCore

/// The bodies the endpoint answers a recruited request with, in OpenAI's shapes: one `chat.completion`,
/// or the `chat.completion.chunk` events of a stream ending with `[DONE]`. Both carry a `conclave` object:
/// the run and instance the request is stored as, the decision, every call with its cost, and the total.
struct CompletionBody {
    struct Usage: Encodable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int
    }

    struct Trace: Encodable {
        var run: String
        var instance: String
        var decision: Decision?
        var calls: [CallRecord]
        var cost: Double
    }

    struct Message: Encodable {
        var role: String?
        var content: String?
    }

    struct Choice: Encodable {
        var index = 0
        var message: Message?
        var delta: Message?
        var finishReason: String?
    }

    struct Completion: Encodable {
        var id: String
        var object: String
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage?
        var conclave: Trace?
    }

    let id: String
    let model: String
    let created = Int(Date().timeIntervalSince1970)
    let answer: String
    let usage: Usage
    let trace: Trace
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    init(id: String, model: String, result: InstanceResult, decision: Decision?, run: String) {
        self.id = id
        self.model = model
        answer = result.finalAnswer ?? ""
        usage = Usage(promptTokens: result.inputTokens, completionTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens)
        let calls = result.responses + (result.aggregation.map { [$0] } ?? [])
        trace = Trace(run: run, instance: result.id, decision: decision, calls: calls, cost: result.cost)
    }

    /// The whole answer as one `chat.completion`.
    func completion() throws -> ByteBuffer {
        let choice = Choice(message: Message(role: "assistant", content: answer), finishReason: "stop")
        return ByteBuffer(
            bytes: try encoder.encode(
                Completion(id: id, object: "chat.completion", created: created, model: model, choices: [choice], usage: usage, conclave: trace)
            )
        )
    }

    /// The answer as server-sent events: the role, the text a few words at a time, the finish (with the
    /// `conclave` object), the usage when asked for, and `[DONE]`.
    func events(includeUsage: Bool) throws -> [ByteBuffer] {
        func event(_ choices: [Choice], usage: Usage? = nil, trace: Trace? = nil) throws -> ByteBuffer {
            let chunk = Completion(
                id: id,
                object: "chat.completion.chunk",
                created: created,
                model: model,
                choices: choices,
                usage: usage,
                conclave: trace
            )
            var buffer = ByteBuffer(string: "data: ")
            buffer.writeBytes(try encoder.encode(chunk))
            buffer.writeString("\n\n")
            return buffer
        }
        var events = [try event([Choice(delta: Message(role: "assistant", content: ""))])]
        for piece in Self.pieces(of: answer) { events.append(try event([Choice(delta: Message(content: piece))])) }
        events.append(try event([Choice(delta: Message(), finishReason: "stop")], trace: trace))
        if includeUsage { events.append(try event([], usage: usage)) }
        events.append(ByteBuffer(string: "data: [DONE]\n\n"))
        return events
    }

    /// The text cut after every fourth space, so the pieces joined are the text.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var spaces = 0
        for character in text {
            current.append(character)
            if character == " " {
                spaces += 1
                if spaces == 4 {
                    pieces.append(current)
                    (current, spaces) = ("", 0)
                }
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
