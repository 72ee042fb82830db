import ConclaveCore
import ConclaveEngine
import ConclaveLLM

/// Answers each call with what a script says for that expert and request: a completion, or an error to
/// throw (a timeout, a refused connection), so a unit test can drive the engine through failures without
/// a model.
///
/// ```swift
/// let connector = ScriptedConnector { expert, request in
///     guard expert.id != "flaky" else { throw ScriptedConnector.Failure(message: "timed out") }
///     return ChatCompletion(text: "The answer is (B).", inputTokens: 10, outputTokens: 5)
/// }
/// ```
public struct ScriptedConnector: ExpertConnector {
    /// What a scripted call throws.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// The script: the completion for one request to one expert.
    public typealias Script = @Sendable (Expert, ChatRequest) async throws -> ChatCompletion

    private let script: Script

    public init(_ script: @escaping Script) { self.script = script }

    public func backend(for expert: Expert) async throws -> any ChatBackend { Backend(expert: expert, script: script) }
    public func unload(modelKey: String) async {}
    public func shutdown() async {}

    private struct Backend: ChatBackend {
        let expert: Expert
        let script: Script

        func complete(_ request: ChatRequest) async throws -> ChatCompletion { try await script(expert, request) }
    }
}
