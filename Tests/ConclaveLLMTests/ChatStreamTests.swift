import AsyncHTTPClient
import ConclaveTesting
import Synchronization
import Testing

@testable import ConclaveLLM

/// Server-sent chat completion chunks read as the network delivers them: pieces of text as soon as their
/// line is complete, the usage event when there is one, estimates when there is none.
@Suite struct ChatStreamTests {
    static let events = [
        #"data: {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}"#,
        #"data: {"choices": [{"index": 0, "delta": {"content": "Par"}}]}"#,
        #"data: {"choices": [{"index": 0, "delta": {"content": "is \"é\""}}]}"#,
        #"data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}"#,
    ]

    @Test func piecesComeOutAsTheirLinesCompleteWhateverTheSplit() {
        let whole = (Self.events + [#"data: {"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 2}}"#, "data: [DONE]"])
            .map { $0 + "\n\n" }.joined()
        for cut in [1, 7, 50, whole.count] {
            var reader = ChatStream(promptCharacters: 40)
            var pieces: [String] = []
            var rest = Substring(whole)
            while !rest.isEmpty {
                pieces += reader.feed(String(rest.prefix(cut)))
                rest = rest.dropFirst(cut)
            }
            #expect(pieces == ["Par", "is \"é\""], "cut every \(cut)")
            #expect(reader.isDone && reader.completion == ChatCompletion(text: "Paris \"é\"", inputTokens: 12, outputTokens: 2))
        }
    }

    @Test func withoutUsageTheTokensAreEstimated() {
        var reader = ChatStream(promptCharacters: 41)
        _ = reader.feed(Self.events.map { $0 + "\n\n" }.joined() + ": a comment\n\ndata: not json\n\n")
        #expect(!reader.isDone)
        #expect(reader.completion == ChatCompletion(text: "Paris \"é\"", inputTokens: 11, outputTokens: 2))
    }
}

/// `OpenAIChatClient.stream` over real HTTP against a local OpenAI-style responder: the pieces arrive
/// one word at a time and make the completion, with the stream's usage; a failing model is retried, then
/// reported after every attempt.
@Suite struct StreamingClientTests {
    @Test func piecesArriveAsSentAndFailuresAreRetried() async throws {
        let responder = OpenAIResponder(answer: "Paris is the capital.", failing: ["down"])
        let port = try await responder.start()
        defer { responder.stop() }
        let http = HTTPClient.conclave()
        let client = OpenAIChatClient(baseURL: "http://127.0.0.1:\(port)/v1", httpClient: http, retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01))
        let pieces = PieceLog()
        let completion = try await client.stream(ChatRequest(model: "up", messages: [.user("Capital?")], temperature: 0, maxTokens: 8)) {
            pieces.append($0)
        }
        #expect(pieces.all == ["Paris", " is", " the", " capital."])
        #expect(completion.text == "Paris is the capital." && completion.inputTokens == 20 && completion.outputTokens == 4)
        await #expect(throws: LLMError.self) {
            _ = try await client.stream(ChatRequest(model: "down", messages: [.user("Capital?")], temperature: 0, maxTokens: 8)) { _ in }
        }
        #expect(responder.requests(model: "down") == 2)
        try await http.shutdown()
    }

    final class PieceLog: Sendable {
        private let pieces = Mutex<[String]>([])
        func append(_ piece: String) { pieces.withLock { $0.append(piece) } }
        var all: [String] { pieces.withLock { $0 } }
    }
}
