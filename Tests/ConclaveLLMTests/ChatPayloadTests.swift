import ConclaveCore
import Foundation
import Testing

@testable import ConclaveLLM

/// The body the client posts to `/chat/completions` and `/embeddings`: OpenAI's field names, every message
/// as written (quotes, newlines, non-ASCII), the seed within 31 bits, and the stream options only when
/// streaming.
@Suite struct ChatPayloadTests {
    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aRequestCarriesOpenAIsFieldsAndEveryMessageAsWritten() throws {
        let text = "Line \"one\"\n\tcafé ∑ \\ 🙂"
        let request = ChatRequest(
            model: "qwen",
            messages: [ChatMessage(role: .system, content: "Be brief."), .user(text)],
            temperature: 0.7,
            maxTokens: 256,
            seed: 0xFFFF_FFFF_8000_0005
        )
        let body = try Self.object(try ChatPayload(request).encoded())
        #expect(Set(body.keys) == ["model", "messages", "temperature", "max_tokens", "seed"])
        #expect(body["model"] as? String == "qwen")
        #expect(body["temperature"] as? Double == 0.7)
        #expect(body["max_tokens"] as? Int == 256)
        #expect(body["seed"] as? Int == 5)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": text]])
    }

    @Test func noSeedMeansNoSeedFieldAndAStreamAsksForTheUsage() throws {
        let request = ChatRequest(model: "m", messages: [.user("hi")], temperature: 0, maxTokens: 8)
        let plain = try Self.object(try ChatPayload(request).encoded())
        #expect(plain["seed"] == nil && plain["stream"] == nil && plain["stream_options"] == nil)
        let streamed = try Self.object(try ChatPayload(request).streamed().encoded())
        #expect(streamed["stream"] as? Bool == true)
        #expect((streamed["stream_options"] as? [String: Bool]) == ["include_usage": true])
    }

    @Test func anEmbeddingRequestNamesTheModelAndEveryInput() throws {
        let body = try Self.object(try EmbeddingPayload(model: "e5", input: ["algebra", "géométrie"]).encoded())
        #expect(body["model"] as? String == "e5")
        #expect(body["input"] as? [String] == ["algebra", "géométrie"])
    }
}
