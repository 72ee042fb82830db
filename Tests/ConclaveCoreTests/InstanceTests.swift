import Foundation
import Testing

@testable import ConclaveCore

/// Instances share their fields between copies, yet behave as values: a changed copy leaves the others
/// alone, and comparing, hashing and encoding go by the fields.
@Suite struct InstanceTests {
    private let original = Instance(id: "q1", text: "What is 2 + 2?", choices: ["3", "4"], gold: "B", metadata: ["category": "arithmetic"])

    @Test func aChangedCopyLeavesTheOriginalAlone() {
        var copy = original
        copy.id = "q2"
        copy.text = "What is 3 + 3?"
        copy.choices.append("6")
        copy.gold = nil
        copy.metadata["source"] = "made up"
        #expect(original.id == "q1" && original.text == "What is 2 + 2?" && original.choices == ["3", "4"])
        #expect(original.gold == "B" && original.metadata == ["category": "arithmetic"])
        #expect(copy.id == "q2" && copy.text == "What is 3 + 3?" && copy.choices == ["3", "4", "6"] && copy.gold == nil)
        #expect(copy.metadata == ["category": "arithmetic", "source": "made up"])
    }

    @Test func equalFieldsCompareAndHashAlike() {
        let same = Instance(id: "q1", text: "What is 2 + 2?", choices: ["3", "4"], gold: "B", metadata: ["category": "arithmetic"])
        #expect(same == original && same.hashValue == original.hashValue)
        var other = original
        other.gold = "A"
        #expect(other != original)
        #expect(Set([original, same, other]).count == 2)
    }

    @Test func itEncodesItsFieldsAndLeavesOutAMissingGold() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(original), as: UTF8.self)
        #expect(text == #"{"choices":["3","4"],"gold":"B","id":"q1","metadata":{"category":"arithmetic"},"text":"What is 2 + 2?"}"#)
        #expect(try JSONDecoder().decode(Instance.self, from: Data(text.utf8)) == original)
        let ungraded = Instance(id: "q", text: "t")
        #expect(String(decoding: try encoder.encode(ungraded), as: UTF8.self) == #"{"choices":[],"id":"q","metadata":{},"text":"t"}"#)
        #expect(try JSONDecoder().decode(Instance.self, from: try encoder.encode(ungraded)) == ungraded)
    }
}
