import Dispatch
import Testing

@testable import ConclaveCore

@Suite struct ThreadSlotTests {
    /// A thread keeps its slot; on every thread the copies read as the strings given, and a long string's
    /// copy has storage of its own (a short one is held inline either way).
    @Test func eachThreadReadsItsOwnCopiesOfTheStrings() {
        let strings = ["Mathematician", "Physician of the heart and lungs", ""]
        let copies = ThreadCopies { strings.map(\.withOwnStorage) }
        #expect(ThreadSlot.current == ThreadSlot.current)
        #expect((0..<ThreadSlot.count).contains(ThreadSlot.current))
        let seen = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 16)
        defer { seen.deallocate() }
        nonisolated(unsafe) let slots = seen
        DispatchQueue.concurrentPerform(iterations: 16) { index in slots[index] = copies.current == strings }
        #expect(seen.allSatisfy { $0 })
        let original = strings[1].utf8.withContiguousStorageIfAvailable { $0.baseAddress }
        let copy = copies.current[1].utf8.withContiguousStorageIfAvailable { $0.baseAddress }
        #expect(original != nil && copy != nil && original != copy)
    }
}
