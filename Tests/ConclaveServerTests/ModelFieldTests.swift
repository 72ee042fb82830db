import Foundation
import NIOCore
import Testing

@testable import ConclaveServer

/// The pass-through's in-place rewrite of the top-level `model`: only that value changes, every other
/// byte stays, and bodies it cannot read plainly are left to re-encoding.
@Suite struct ModelFieldTests {
    func rewrite(_ body: String, _ model: String = "up") -> String? {
        ModelField.replacing(in: ByteBuffer(string: body), with: model).map { String(buffer: $0) }
    }

    @Test func onlyTheTopLevelModelChanges() {
        #expect(rewrite(#"{"model": "solo", "stream": true}"#) == #"{"model": "up", "stream": true}"#)
        #expect(
            rewrite(#" { "messages": [{"role": "user", "content": "say \"model\": {\"x\"}", "model": "no"}], "n": 1,"model":"solo/single" } "#)
                == #" { "messages": [{"role": "user", "content": "say \"model\": {\"x\"}", "model": "no"}], "n": 1,"model":"up" } "#
        )
        #expect(
            rewrite(#"{"a": {"model": "x"}, "b": [1, [2, {"c": "]"}]], "model": "m"}"#)
                == #"{"a": {"model": "x"}, "b": [1, [2, {"c": "]"}]], "model": "up"}"#
        )
        #expect(rewrite(#"{"model": "m"}"#, "we\"ird\\\n") == #"{"model": "we\"ird\\\u000a"}"#)
    }

    @Test func whatItCannotReadPlainlyIsLeftToReencoding() {
        #expect(rewrite(#"{"messages": [], "stream": true}"#) == nil)
        #expect(rewrite(#"{"model": 3}"#) == nil)
        #expect(rewrite(#"{"mod\u0065l": "x"}"#) == nil)
        #expect(rewrite(#"[{"model": "x"}]"#) == nil)
        #expect(rewrite(#"{"model": "unterminated}"#) == nil)
        #expect(rewrite("") == nil)
    }

    @Test func everyRewriteStillParsesAndKeepsTheOtherFields() throws {
        let body = #"{"temperature": 0.5, "model": "solo", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}"#
        let rewritten = try #require(rewrite(body, "model-up"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rewritten.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "model-up" && object["temperature"] as? Double == 0.5 && (object["tools"] as? [Any])?.count == 1)
    }
}
