import ConclaveCore
import Foundation
import Testing

@testable import ConclaveConfig

@Suite struct DatasetReaderTests {
    @Test func parsesRowsReportsBadLinesByNumberAndSkipsBlankOnes() throws {
        let sandbox = try ConfigSandbox()
        let path = try sandbox.write(
            "data.jsonl",
            """
            {"id": "a", "question": "2+2?", "choices": ["3", "4"], "answer": "B", "domain": "math"}
            {"id": 7, "text": "Name a colour", "gold_answer": 5}
            not json

            {"id": "c"}
            {"id": "d", "question": "q", "choices": "A, B"}
            {"question": "last line without newline"}
            """
        )
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
        #expect(
            problems == [
                "data.jsonl:3:1: not a JSON object",
                "data.jsonl:5:1: missing string field 'question' (or 'text')",
                "data.jsonl:6:1: field 'choices' must be a list of strings",
            ]
        )
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

/// Rows that used to crash a run or replace each other, and read errors that used to look like the end of the file.
@Suite struct DatasetReaderBadInputTests {
    func problems(_ text: String) throws -> (ids: [String], problems: [String]) {
        let sandbox = try ConfigSandbox()
        let path = try sandbox.write("data.jsonl", text)
        var ids: [String] = []
        var problems: [String] = []
        for row in try DatasetReader(url: URL(fileURLWithPath: path), displayPath: "data.jsonl").rows() {
            switch row {
            case .instance(let instance): ids.append(instance.id)
            case .invalid(let problem): problems.append(problem.description)
            }
        }
        return (ids, problems)
    }

    @Test func moreThan26ChoicesIsAnErrorForThatRow() throws {
        let choices = { (count: Int) in "[" + (0..<count).map { "\"c\($0)\"" }.joined(separator: ", ") + "]" }
        let read = try problems(
            """
            {"id": "ok", "question": "q", "choices": \(choices(26))}
            {"id": "many", "question": "q", "choices": \(choices(27))}
            """
        )
        #expect(read.ids == ["ok"])
        #expect(read.problems == ["data.jsonl:2:1: field 'choices' has 27 items; at most 26 are allowed, one per letter A to Z"])
    }

    @Test func aRepeatedIdIsAnErrorNamingBothLines() throws {
        let read = try problems(
            """
            {"id": "a", "question": "first"}
            {"id": "b", "question": "other"}
            {"id": "a", "question": "second"}
            {"id": "line-5", "question": "explicit"}
            {"question": "default id line-5"}
            """
        )
        #expect(read.ids == ["a", "b", "line-5"])
        #expect(
            read.problems == [
                "data.jsonl:3:1: id 'a' repeats the id of line 1 (lines 1 and 3); this row is skipped",
                "data.jsonl:5:1: id 'line-5' repeats the id of line 4 (lines 4 and 5); this row is skipped",
            ]
        )
    }

    @Test func aLineThatIsNotUTF8IsReported() throws {
        let sandbox = try ConfigSandbox()
        let url = sandbox.root.appendingPathComponent("data.jsonl")
        try (Data("{\"question\": \"ok\"}\n{\"question\": \"".utf8) + Data([0xFF, 0xFE]) + Data("\"}\n".utf8)).write(to: url)
        let rows = Array(try DatasetReader(url: url, displayPath: "data.jsonl").rows())
        guard case .invalid(let problem) = rows.last else {
            Issue.record("expected a problem")
            return
        }
        #expect(rows.count == 2 && problem.description == "data.jsonl:2:1: the line is not valid UTF-8")
    }

    @Test func aReadErrorPartOfTheWayIsAnErrorNotTheEndOfTheFile() throws {
        var chunks = [Data("{\"question\": \"one\"}\n{\"question\": \"two\"}\n{\"quest".utf8)]
        let lines = LineReader(path: "data.jsonl") {
            guard !chunks.isEmpty else { throw CocoaError(.fileReadUnknown) }
            return chunks.removeFirst()
        }
        var kinds: [String] = []
        for row in DatasetReader(url: URL(fileURLWithPath: "/unused"), displayPath: "data.jsonl").rows(of: lines) {
            switch row {
            case .instance(let instance): kinds.append(instance.text)
            case .invalid(let problem): kinds.append(problem.description)
            }
        }
        #expect(kinds.count == 3 && kinds[0] == "one" && kinds[1] == "two")
        #expect(kinds[2].hasPrefix("data.jsonl:3:1: cannot read the file past line 2: ") && kinds[2].hasSuffix("; the rest of the file is not read"))
    }

    @Test func aFolderOrAMissingFileIsAnErrorNamingIt() throws {
        let sandbox = try ConfigSandbox()
        let folder = DatasetReader(url: sandbox.root.appendingPathComponent("Agents"), displayPath: "Agents")
        let unreadable = #expect(throws: LineReader.ReadError.self) { try folder.instanceCount() }
        #expect(unreadable?.description == "Agents: cannot read the file: it is a folder")
        let missing = DatasetReader(url: sandbox.root.appendingPathComponent("none.jsonl"), displayPath: "none.jsonl")
        let absent = #expect(throws: LineReader.ReadError.self) { _ = try missing.rows() }
        #expect(absent?.description == "none.jsonl: cannot read the file: No such file or directory")
    }
}
