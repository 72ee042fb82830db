import ConclaveStore
import Foundation
import Testing

@Suite struct ResultsWriterTests {
    struct Row: Encodable { var instanceID: String; var outputTokens: Int }

    @Test func writesOneSnakeCaseLinePerRecordVisibleBeforeClose() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString)/nested/results.jsonl")
        let writer = try ResultsWriter(url: url)
        try writer.append(Row(instanceID: "a", outputTokens: 3))
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"instance_id\":\"a\",\"output_tokens\":3}\n")
        try writer.append(Row(instanceID: "b/c", outputTokens: 4))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1] == "{\"instance_id\":\"b/c\",\"output_tokens\":4}")
    }

    @Test func concurrentAppendsNeverInterleaveLines() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-store-\(UUID().uuidString).jsonl")
        let writer = try ResultsWriter(url: url)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try? writer.append(Row(instanceID: String(repeating: "x", count: index), outputTokens: index)) } }
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }
}
