@testable import ConclaveConfig
import ConclaveCore
import Foundation
import Testing

@Suite struct DatasetReaderTests {
    @Test func parsesRowsReportsBadLinesByNumberAndSkipsBlankOnes() throws {
        let sandbox = try ConfigSandbox()
        let path = try sandbox.write("data.jsonl", """
            {"id": "a", "question": "2+2?", "choices": ["3", "4"], "answer": "B", "domain": "math"}
            {"id": 7, "text": "Name a colour", "gold_answer": 5}
            not json

            {"id": "c"}
            {"id": "d", "question": "q", "choices": "A, B"}
            {"question": "last line without newline"}
            """)
        let rows = Array(try DatasetReader(url: URL(fileURLWithPath: path), displayPath: "data.jsonl").rows())
        var instances: [Instance] = []
        var problems: [String] = []
        for row in rows {
            switch row {
            case .instance(let instance): instances.append(instance)
            case .invalid(let problem): problems.append(problem.description)
            }
        }
        #expect(instances.map(\.id) == ["a", "7", "line-7"])
        #expect(instances[0] == Instance(id: "a", text: "2+2?", choices: ["3", "4"], gold: "B", metadata: ["domain": "math"]))
        #expect(instances[1].gold == "5")
        #expect(problems == [
            "data.jsonl:3:1: not a JSON object",
            "data.jsonl:5:1: missing string field 'question' (or 'text')",
            "data.jsonl:6:1: field 'choices' must be a list of strings",
        ])
    }

    @Test func streamsLinesAcrossChunkBoundaries() throws {
        let sandbox = try ConfigSandbox()
        let long = String(repeating: "x", count: 70_000)
        let text = (0..<5).map { "{\"id\": \"\($0)\", \"question\": \"\(long)\"}" }.joined(separator: "\n") + "\n"
        let path = try sandbox.write("big.jsonl", text)
        let ids = try DatasetReader(url: URL(fileURLWithPath: path)).rows().compactMap { row -> String? in
            if case .instance(let instance) = row { return instance.id } else { return nil }
        }
        #expect(ids == ["0", "1", "2", "3", "4"])
    }

    @Test func environmentExpandsVariablesAndNamesUnknownOnes() throws {
        let environment = ConfigEnvironment(variables: ["A": "/x", "B": "y"])
        #expect(try environment.expand("${A}/${B}.gguf") == "/x/y.gguf")
        #expect(try environment.expand("plain") == "plain")
        #expect(throws: ConfigEnvironment.UndefinedVariable.self) { try environment.expand("${C}") }
    }
}
