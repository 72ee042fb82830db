import ConclaveCore
import Foundation
import Testing

@testable import ConclaveLLM

/// The one-pass reader of a chat completion body: the parts it keeps, escapes and surrogates, and, over
/// thousands of seeded documents and their mutations, the same answers as `JSONSerialization` (what it
/// replaced): the same fields when a document is JSON, nil when it is not.
@Suite struct CompletionBodyReaderTests {
    static func read(_ text: String) -> CompletionBodyReader.Read? { CompletionBodyReader.read(Array(text.utf8)) }

    @Test func theKeptPartsAreReadAndTheRestSkipped() throws {
        let body = #"""
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1.5e9, "extra": [true, false, null, {"a": [1, -2.5E-3]}],
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris.", "tool_calls": []}, "finish_reason": "stop"},
                         {"message": {"content": "second"}}],
             "usage": {"prompt_tokens": 9, "completion_tokens": 2.0, "total_tokens": 11}}
            """#
        let read = try #require(Self.read(body))
        #expect(read == .init(hasChoice: true, content: "Paris.", promptTokens: 9, completionTokens: 2))
    }

    @Test func escapesAndSurrogatePairsAreDecoded() throws {
        let read = try #require(Self.read(#"{"choices": [{"message": {"content": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00x"}}]}"#))
        #expect(read.content == "a\"b\\c/d\n\té😀x")
        #expect(Self.read(#"{"a": "\ud800x"}"#) == nil, "a lone high surrogate")
        #expect(Self.read(#"{"a": "\udc00"}"#) == nil, "a lone low surrogate")
        #expect(CompletionBodyReader.read([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D]) == nil, "invalid UTF-8")
    }

    @Test func missingOrOtherTypedPartsAreNil() throws {
        #expect(Self.read(#"{"choices": []}"#) == .init())
        #expect(Self.read(#"{"choices": [{"message": {"content": null}}], "usage": {"prompt_tokens": "9"}}"#) == .init(hasChoice: true))
        #expect(Self.read(#"{"choices": {"message": {}}, "usage": [1]}"#) == .init())
        #expect(Self.read(#"{"usage": {"prompt_tokens": 1.5, "completion_tokens": -3}}"#) == .init(completionTokens: -3))
    }

    @Test func whatIsNotOneJSONObjectIsNil() {
        for text in [
            "", "[]", "null", "{", "{}x", #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": .5}"#, #"{"a": tru}"#, #"{"a" 1}"#, #"{"a": 1,}"#,
            #"{"a": [1,]}"#, "{\"a\": \"\u{1}\"}", #"{"a": "\x"}"#, #"{"a": "\u12"}"#, #"{'a': 1}"#, #"{"a": 1e}"#, #"{"a": -}"#,
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ] {
            #expect(CompletionBodyReader.read(Array(("{\"x\": " + text + "}").utf8)) == nil || text == "[]" || text == "null", "\(text)")
            #expect(text.hasPrefix("{") == false || Self.read(text) == nil, "\(text)")
        }
        #expect(Self.read("{}") == .init())
        #expect(Self.read(" \n{ } \t") == .init())
    }

    /// What `JSONSerialization` made of a document, as the old parsers read it.
    static func expected(_ bytes: [UInt8]) -> CompletionBodyReader.Read?? {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return .some(nil) }
        guard let object = parsed as? [String: Any] else { return .some(nil) }
        var read = CompletionBodyReader.Read()
        if let choices = object["choices"] as? [Any], let first = choices.first as? [String: Any] {
            read.hasChoice = true
            read.content = (first["message"] as? [String: Any])?["content"] as? String
        }
        let usage = object["usage"] as? [String: Any]
        read.promptTokens = usage?["prompt_tokens"] as? Int
        read.completionTokens = usage?["completion_tokens"] as? Int
        return .some(read)
    }

    /// A seeded chat completion body with noise around the kept parts.
    static func document(_ rng: inout SeededGenerator) -> String {
        let words = ["Paris", "é", "\\\"quoted\\\"", "\\n", "\\u00e9", "tab\\t", "😀", "\\ud83d\\ude00", "x/y", ""]
        func text() -> String { (0..<Int.random(in: 0...4, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") }
        func noise(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &rng) {
            case 0: return "\"\(text())\""
            case 1: return ["0", "-1", "3.25", "1e3", "-0.5E-2", "12"].randomElement(using: &rng)!
            case 2: return ["true", "false", "null"].randomElement(using: &rng)!
            case 3: return "\"k\""
            case 4: return "[" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in noise(depth + 1) }.joined(separator: ", ") + "]"
            default: return "{" + (0..<Int.random(in: 0...3, using: &rng)).map { "\"n\($0)\": \(noise(depth + 1))" }.joined(separator: ",") + "}"
            }
        }
        let content = Bool.random(using: &rng) ? "\"\(text())\"" : noise(1)
        let tokens = ["7", "0", "12.0", "1.5", "\"3\"", "null", "-4"]
        var fields = [
            "\"id\": \(noise(1))",
            "\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \(content)}, \"other\": \(noise(1))}, \(noise(1))]",
            "\"usage\": {\"prompt_tokens\": \(tokens.randomElement(using: &rng)!), \"completion_tokens\": \(tokens.randomElement(using: &rng)!)}",
        ]
        fields.shuffle(using: &rng)
        return "{" + fields.joined(separator: Bool.random(using: &rng) ? ", " : ",\n ") + "}"
    }

    @Test func agreesWithJSONSerializationOnSeededDocumentsAndTheirMutations() {
        var rng = SeededGenerator(seed: 2026)
        var checked = 0
        for _ in 0..<2_000 {
            let document = Array(Self.document(&rng).utf8)
            var variants = [document]
            // Truncated, a byte dropped, an ASCII byte swapped for another structural one.
            variants.append(Array(document.prefix(Int.random(in: 0..<document.count, using: &rng))))
            var dropped = document
            dropped.remove(at: Int.random(in: 0..<document.count, using: &rng))
            variants.append(dropped)
            var swapped = document
            let at = Int.random(in: 0..<document.count, using: &rng)
            if swapped[at] < 0x80 { swapped[at] = Array(#"{}[]",:0e-."\ a"#.utf8).randomElement(using: &rng)! }
            variants.append(swapped)
            for variant in variants {
                let wanted = Self.expected(variant)
                let got = CompletionBodyReader.read(variant)
                let text = String(decoding: variant, as: UTF8.self)
                // Foundation accepts a trailing comma (`[1, ]`), which RFC 8259 and this reader do not.
                let trailingComma = text.contains(/,\s*[\]}]/)
                if case .some(let wanted) = wanted, !(got == nil && wanted != nil && trailingComma) {
                    #expect(got == wanted, "\(text)")
                }
                checked += 1
            }
        }
        #expect(checked == 8_000)
    }
}
