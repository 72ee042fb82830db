import ConclaveCore
import Testing

@Suite struct StableHashTests {
    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(StableHash.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(StableHash.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test func feedingPartsEqualsHashingTheirConcatenation() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let parts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...12, using: &generator)).map { _ in "aé\n\u{1}z€".randomElement(using: &generator)! })
            }
            var hasher = FNV1a()
            for part in parts { hasher.combine(part) }
            #expect(hasher.value == StableHash.fnv1a(parts.joined()))
        }
    }

    @Test func requestHashChangesWithEveryPartOfTheRequest() {
        let messages = [ChatMessage(role: .system, content: "be brief"), ChatMessage(role: .user, content: "2+2?")]
        let base = RequestHash.of(modelKey: "m", messages: messages, temperature: 0.2, maxTokens: 64, seed: 1)
        #expect(base.count == 32)
        // Pinned: stored calls and the response cache are keyed by it, across versions.
        #expect(base == "1fb5f306e3e2de93fadda7ed22566ca8")
        #expect(RequestHash.of(modelKey: "m", messages: messages, temperature: 0.2, maxTokens: 64, seed: nil) == "9e2a16fdc5fe4f7782de5b0afe8a40ac")
        #expect(base == RequestHash.of(modelKey: "m", messages: messages, temperature: 0.2, maxTokens: 64, seed: 1))
        let variants = [
            RequestHash.of(modelKey: "n", messages: messages, temperature: 0.2, maxTokens: 64, seed: 1),
            RequestHash.of(modelKey: "m", messages: Array(messages.reversed()), temperature: 0.2, maxTokens: 64, seed: 1),
            RequestHash.of(modelKey: "m", messages: messages, temperature: 0.3, maxTokens: 64, seed: 1),
            RequestHash.of(modelKey: "m", messages: messages, temperature: 0.2, maxTokens: 65, seed: 1),
            RequestHash.of(modelKey: "m", messages: messages, temperature: 0.2, maxTokens: 64, seed: nil),
            RequestHash.of(modelKey: "m", messages: [ChatMessage(role: .system, content: "be brief2+2?")], temperature: 0.2, maxTokens: 64, seed: 1),
        ]
        #expect(Set(variants + [base]).count == variants.count + 1)
    }
}
