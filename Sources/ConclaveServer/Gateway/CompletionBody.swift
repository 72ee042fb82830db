import ConclaveCore
import ConclaveEngine
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
        var decision: Decision
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

    init(id: String, model: String, answered: InstanceAnswerer.Answered, run: String) {
        let result = answered.result
        self.id = id
        self.model = model
        answer = result.finalAnswer ?? ""
        usage = Usage(promptTokens: result.inputTokens, completionTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens)
        let calls = result.responses + (result.aggregation.map { [$0] } ?? [])
        trace = Trace(run: run, instance: result.id, decision: answered.decision, calls: calls, cost: result.cost)
    }

    /// The whole answer as one `chat.completion`.
    func completion() throws -> ByteBuffer {
        let choice = Choice(message: Message(role: "assistant", content: answer), finishReason: "stop")
        return ByteBuffer(
            bytes: try CompletionEvents.encoder.encode(
                Completion(id: id, object: "chat.completion", created: created, model: model, choices: [choice], usage: usage, conclave: trace)
            )
        )
    }

    /// The events that end a stream: the finish (with the `conclave` object), the usage when asked for,
    /// and `[DONE]`.
    func closingEvents(includeUsage: Bool) throws -> [ByteBuffer] {
        let events = CompletionEvents(id: id, model: model, created: created)
        var closing = [try events.event([Choice(delta: Message(), finishReason: "stop")], trace: trace)]
        if includeUsage { closing.append(try events.event([], usage: usage)) }
        return closing + [CompletionEvents.done]
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

/// The `chat.completion.chunk` events of one streamed answer, as server-sent events: the role, pieces of
/// text, the closing events, an error.
struct CompletionEvents: Sendable {
    let id: String
    let model: String
    var created = Int(Date().timeIntervalSince1970)

    static let done = ByteBuffer(string: "data: [DONE]\n\n")
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    func event(_ choices: [CompletionBody.Choice], usage: CompletionBody.Usage? = nil, trace: CompletionBody.Trace? = nil) throws -> ByteBuffer {
        let chunk = CompletionBody.Completion(
            id: id,
            object: "chat.completion.chunk",
            created: created,
            model: model,
            choices: choices,
            usage: usage,
            conclave: trace
        )
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try Self.encoder.encode(chunk))
        buffer.writeString("\n\n")
        return buffer
    }

    /// The first event: the assistant's role.
    func role() throws -> ByteBuffer { try event([CompletionBody.Choice(delta: CompletionBody.Message(role: "assistant", content: ""))]) }

    /// A piece of the answer.
    func delta(_ text: String) throws -> ByteBuffer { try event([CompletionBody.Choice(delta: CompletionBody.Message(content: text))]) }

    /// An error in the middle of a stream, in OpenAI's shape.
    func error(_ error: OpenAIError) -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes((try? JSONSerialization.data(withJSONObject: error.body, options: [.sortedKeys])) ?? Data())
        buffer.writeString("\n\n")
        return buffer
    }
}
