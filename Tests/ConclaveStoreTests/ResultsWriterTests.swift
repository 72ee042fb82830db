import ConclaveStore
import Foundation
import Testing

@Suite struct ResultsWriterTests {
    /// A line as the store writes it.
    func line(_ id: String, _ tokens: Int) -> String { "{\"instance_id\":\"\(id)\",\"output_tokens\":\(tokens)}" }

    @Test func writesOneLinePerRecordVisibleBeforeClose() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString)/nested/results.jsonl")
        let writer = try ResultsWriter(url: url)
        try writer.appendJSON(line("a", 3))
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"instance_id\":\"a\",\"output_tokens\":3}\n")
        try writer.appendJSON(line("b/c", 4))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1] == "{\"instance_id\":\"b/c\",\"output_tokens\":4}")
    }

    @Test func concurrentAppendsNeverInterleaveLines() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString).jsonl")
        let writer = try ResultsWriter(url: url)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try? writer.appendJSON(line(String(repeating: "x", count: index), index)) } }
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }
}
