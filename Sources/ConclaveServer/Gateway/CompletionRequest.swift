import ConclaveCore
import Foundation
import NIOCore

/// A `POST /v1/chat/completions` body as the gateway reads it: the pipeline (and a pinned mode) its
/// `model` names, the messages, the last user message as the instance's question, and the streaming
/// options. The body is kept so a pass-through forwards every other field untouched.
///
/// ```swift
/// let request = try CompletionRequest(body: buffer)        // {"model": "quickstart/debate", "messages": [...]}
/// request.pipeline   // "quickstart"
/// request.mode       // .debate
/// ```
struct CompletionRequest: Sendable {
    /// The body as the client sent it.
    var body: ByteBuffer
    /// The `model` field as the client wrote it.
    var model: String
    var pipeline: String
    var mode: CollaborationMode?
    var messages: [ChatMessage]
    var question: String
    var stream: Bool
    var includeUsage: Bool
    var maxTokens: Int?

    /// Reads the usual request in one pass (`CompletionRequestReader`), any other with `JSONSerialization`.
    init(body: ByteBuffer) throws(OpenAIError) {
        if let fields = CompletionRequestReader.read(body) {
            try self.init(body: body, fields: fields)
        } else {
            try self.init(parsing: body)
        }
    }

    private init(body: ByteBuffer, fields: CompletionRequestReader.Fields) throws(OpenAIError) {
        self.body = body
        model = fields.model
        (pipeline, mode) = try Self.split(model: fields.model)
        messages = fields.messages
        question = try Self.question(in: fields.messages)
        stream = fields.stream
        includeUsage = false
        maxTokens = fields.maxTokens
    }

    /// `init(body:)` with `JSONSerialization`: every request, and the error that names what is wrong.
    init(parsing body: ByteBuffer) throws(OpenAIError) {
        self.body = body
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(buffer: body)), let object = parsed as? [String: Any] else {
            throw OpenAIError(.badRequest, "the body must be a JSON object")
        }
        guard let model = object["model"] as? String, !model.isEmpty else {
            throw OpenAIError(.badRequest, "'model' must name a pipeline (or PIPELINE/MODE)", param: "model")
        }
        self.model = model
        (pipeline, mode) = try Self.split(model: model)
        guard let list = object["messages"] as? [Any], !list.isEmpty else {
            throw OpenAIError(.badRequest, "'messages' must be a non-empty array", param: "messages")
        }
        messages = try list.enumerated().map { index, item throws(OpenAIError) in try Self.message(item, index: index) }
        question = try Self.question(in: messages)
        if let value = object["stream"], !(value is NSNull) {
            guard let flag = value as? Bool else { throw OpenAIError(.badRequest, "'stream' must be true or false", param: "stream") }
            stream = flag
        } else {
            stream = false
        }
        includeUsage = ((object["stream_options"] as? [String: Any])?["include_usage"] as? Bool) ?? false
        for field in ["max_completion_tokens", "max_tokens"] where object[field] != nil && !(object[field] is NSNull) {
            guard let number = object[field] as? Int, number > 0 else {
                throw OpenAIError(.badRequest, "'\(field)' must be a positive whole number", param: field)
            }
            maxTokens = number
            break
        }
    }

    /// The pipeline `model` names and the mode it pins (`PIPELINE/MODE`), if any.
    private static func split(model: String) throws(OpenAIError) -> (pipeline: String, mode: CollaborationMode?) {
        guard model.utf8.contains(UInt8(ascii: "/")) else { return (model, nil) }
        let parts = model.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return (model, nil) }
        guard let pinned = CollaborationMode(rawValue: parts[1]) else {
            let known = CollaborationMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw OpenAIError(.badRequest, "unknown mode '\(parts[1])' in model '\(model)' (modes: \(known))", param: "model")
        }
        return (parts[0], pinned)
    }

    /// The instance's question: the last user message's text.
    private static func question(in messages: [ChatMessage]) throws(OpenAIError) -> String {
        guard let last = messages.last(where: { $0.role == .user }), !last.content.isEmpty else {
            throw OpenAIError(.badRequest, "'messages' has no user message with text", param: "messages")
        }
        return last.content
    }

    /// The body with `model` naming the upstream's model instead, every other byte as sent
    /// (`ModelField`); re-encoded only when the field cannot be rewritten in place.
    func body(naming upstreamModel: String) throws -> ByteBuffer {
        if let rewritten = ModelField.replacing(in: body, with: upstreamModel) { return rewritten }
        guard var object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw OpenAIError(.badRequest, "the body must be a JSON object")
        }
        object["model"] = upstreamModel
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    /// One message: a role OpenAI knows and text content (a string, or an array of text parts).
    private static func message(_ item: Any, index: Int) throws(OpenAIError) -> ChatMessage {
        let param = "messages[\(index)]"
        guard let object = item as? [String: Any], let roleName = object["role"] as? String else {
            throw OpenAIError(.badRequest, "\(param) must be an object with a 'role'", param: param)
        }
        let role: ChatMessage.Role
        switch roleName {
        case "system", "developer": role = .system
        case "user": role = .user
        case "assistant", "tool": role = .assistant
        default: throw OpenAIError(.badRequest, "\(param) has unknown role '\(roleName)'", param: "\(param).role")
        }
        switch object["content"] {
        case let text as String: return ChatMessage(role: role, content: text)
        case let parts as [Any]:
            let texts = parts.compactMap { ($0 as? [String: Any]).flatMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil } }
            return ChatMessage(role: role, content: texts.joined(separator: "\n"))
        case nil, is NSNull: return ChatMessage(role: role, content: "")
        default: throw OpenAIError(.badRequest, "\(param).content must be a string or an array of parts", param: "\(param).content")
        }
    }
}
