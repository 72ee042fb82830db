import Testing

@testable import ConclaveServer

/// The ids the endpoint gives its completions: OpenAI's `chatcmpl-` prefix and 32 hexadecimal digits,
/// new every time.
@Suite struct CompletionIDTests {
    @Test func anIdIsThePrefixAnd32HexDigitsAndNeverRepeats() {
        let ids = (0..<1_000).map { _ in GatewayRoutes.completionID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.hasPrefix("chatcmpl-"))
            let digits = id.dropFirst("chatcmpl-".count)
            #expect(digits.count == 32 && digits.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
        }
    }
}
