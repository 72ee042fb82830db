import ConclaveCore
import Foundation
import NIOCore
import Testing

@testable import ConclaveServer

/// The one-pass reader of the usual request: what it keeps, what it leaves to `JSONSerialization`, and
/// agreement of `CompletionRequest(body:)` (reader first) with `CompletionRequest(parsing:)` (always
/// `JSONSerialization`) over 6,000 seeded documents and their mutations: the same request, or the same
/// error (about 400 of them are read by the reader; the rest, unusual or broken, by both ways through the
/// fallback).
@Suite struct CompletionRequestReaderTests {
    func read(_ text: String) -> CompletionRequestReader.Fields? { CompletionRequestReader.read(ByteBuffer(string: text)) }

    @Test func theUsualRequestIsReadInOnePass() {
        let fields = read(
            #"{"model": "quickstart/debate", "temperature": 0.2, "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Caf\u00e9 \ud83d\ude00?", "name": "x"}, {"role": "assistant", "content": null}], "stream": null, "max_tokens": 16, "max_completion_tokens": 32}"#
        )
        #expect(
            fields
                == .init(
                    model: "quickstart/debate",
                    messages: [
                        .init(role: .system, content: "Be brief."), .init(role: .user, content: "Café 😀?"), .init(role: .assistant, content: ""),
                    ],
                    stream: false,
                    maxTokens: 32
                )
        )
        #expect(read(#"{"model":"m","messages":[{"role":"user","content":"q"}],"stream":true,"max_tokens":null}"#)?.stream == true)
    }

    @Test func anythingElseIsLeftToJSONSerialization() {
        let message = #""messages": [{"role": "user", "content": "q"}]"#
        for unusual in [
            #"{"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "q"}]}]}"#,
            #"{"model": "m", \#(message), "stream_options": {"include_usage": true}}"#,
            #"{"model": "m", "model": "n", \#(message)}"#,
            #"{"model": "m", \#(message), "max_tokens": 16.0}"#,
            #"{"model": "m", \#(message), "max_tokens": -1}"#,
            #"{"model": "m", \#(message), "max_tokens": 016}"#,
            #"{"model": "m", \#(message), "max_tokens": "16"}"#,
            #"{"model": "m", \#(message), "stream": 1}"#,
            #"{"model": "m", "messages": [{"role": "robot", "content": "q"}]}"#,
            #"{"model": "m", "messages": [{"role": "user", "role": "user", "content": "q"}]}"#,
            #"{"model": "m", "messages": []}"#,
            #"{"model": "", \#(message)}"#,
            #"{"model": 7, \#(message)}"#,
            #"{"model": "m", \#(message),}"#,
            #"{"model": "m", \#(message)"#,
            #"["model"]"#,
        ] {
            #expect(read(unusual) == nil, "\(unusual)")
        }
    }

    @Test func aModelOfSlashesIsAnErrorOrAnEmptyPipelineNotACrash() {
        func request(_ model: String) -> String {
            let body = ByteBuffer(string: #"{"model": "\#(model)", "messages": [{"role": "user", "content": "q"}]}"#)
            return outcome { () throws(OpenAIError) in try CompletionRequest(body: body) }
        }
        #expect(request("/").hasPrefix("error 400 unknown mode ''"))
        #expect(request("quickstart/").hasPrefix("error 400 unknown mode ''"))
        #expect(request("/debate").hasPrefix("/debate||Optional(ConclaveCore.CollaborationMode.debate)"), "\(request("/debate"))")
    }

    /// The request, or the error, as text that two ways of reading must agree on.
    func outcome(_ make: () throws(OpenAIError) -> CompletionRequest) -> String {
        do {
            let request = try make()
            return "\(request.model)|\(request.pipeline)|\(String(describing: request.mode))|\(request.messages)|\(request.question)|"
                + "\(request.stream)|\(request.includeUsage)|\(String(describing: request.maxTokens))"
        } catch {
            return "error \(error.status.code) \(error.message) \(error.param ?? "-")"
        }
    }

    @Test func theReaderAndJSONSerializationAgreeOnSeededDocumentsAndTheirMutations() {
        var rng = SeededGenerator(seed: 13)
        var fast = 0
        var failures = 0
        for round in 0..<6_000 {
            var text = Self.document(using: &rng)
            if round % 3 == 1 { text = String(text.prefix(Int.random(in: 0...text.count, using: &rng))) }
            if round % 3 == 2, !text.isEmpty {
                var bytes = Array(text.utf8)
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = Array(#"{}[]",:"0a\ é"#.utf8).randomElement(using: &rng) ?? 0
                text = String(decoding: bytes, as: UTF8.self)
            }
            let body = ByteBuffer(string: text)
            if CompletionRequestReader.read(body) != nil { fast += 1 }
            let reader = outcome { () throws(OpenAIError) in try CompletionRequest(body: body) }
            let foundation = outcome { () throws(OpenAIError) in try CompletionRequest(parsing: body) }
            if reader != foundation, failures < 5 {
                failures += 1
                Issue.record("\(text)\n  reader:     \(reader)\n  foundation: \(foundation)")
            }
        }
        #expect(fast > 300, "the one-pass reader took \(fast) of 6,000")
    }

    /// A request document with fields, types and messages drawn at random, usual ones most often.
    static func document(using rng: inout SeededGenerator) -> String {
        let strings = [
            #""quickstart""#, #""quickstart/debate""#, #""quickstart/nope""#, #""a/b/c""#, #""/""#, #""""#, #""caf\u00e9 \" \\ \n""#, "\"\u{1F600}\"",
        ]
        let others = [
            "7", "16", "-1", "0", "16.0", "1e2", "true", "false", "null", "[]", "{}", #"{"include_usage": true}"#,
            #"[{"type": "text", "text": "hi"}]"#,
        ]
        func value() -> String {
            Bool.random(using: &rng) ? strings.randomElement(using: &rng)! : others.randomElement(using: &rng)!
        }
        func message() -> String {
            let roles = [#""user""#, #""user""#, #""user""#, #""system""#, #""assistant""#, #""developer""#, #""tool""#, #""robot""#, "3"]
            var fields: [String] = []
            if Int.random(in: 0..<20, using: &rng) > 0 { fields.append(#""role": \#(roles.randomElement(using: &rng)!)"#) }
            if Int.random(in: 0..<10, using: &rng) > 0 {
                let content = Int.random(in: 0..<8, using: &rng) == 0 ? value() : strings.randomElement(using: &rng)!
                fields.append(#""content": \#(content)"#)
            }
            if Int.random(in: 0..<8, using: &rng) == 0 { fields.append(#""name": "x""#) }
            if Int.random(in: 0..<20, using: &rng) == 0 { fields.append(#""role": "user""#) }
            fields.shuffle(using: &rng)
            return "{" + fields.joined(separator: ", ") + "}"
        }
        var fields: [String] = []
        if Int.random(in: 0..<10, using: &rng) > 0 {
            fields.append(#""model": \#(Int.random(in: 0..<4, using: &rng) == 0 ? value() : #""quickstart""#)"#)
        }
        if Int.random(in: 0..<10, using: &rng) > 0 {
            let messages =
                Int.random(in: 0..<8, using: &rng) == 0
                ? value()
                : "[" + (0..<Int.random(in: 0...3, using: &rng) | Int.random(in: 0...1, using: &rng)).map { _ in message() }.joined(separator: ", ")
                    + "]"
            fields.append(#""messages": \#(messages)"#)
        }
        let usual = ["stream": ["true", "false", "null"], "max_tokens": ["16", "null"], "max_completion_tokens": ["32"], "temperature": ["0.2"]]
        for key in ["stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "model"]
        where Int.random(in: 0..<5, using: &rng) == 0 {
            let written = Int.random(in: 0..<4, using: &rng) > 0 ? usual[key]?.randomElement(using: &rng) ?? value() : value()
            fields.append(#""\#(key)": \#(written)"#)
        }
        fields.shuffle(using: &rng)
        let space = [" ", "", "\n  "].randomElement(using: &rng)!
        return "{" + space + fields.joined(separator: "," + space) + space + "}"
    }
}
