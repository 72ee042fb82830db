import Foundation

/// Which of a fixed number of slots the calling thread takes: a multiplicative hash of the thread's
/// identity. Objects that every decision retains are kept once per slot (`ScoreOwners`, `StringCopies`),
/// so that threads deciding at once write reference counts on lines of their own, not on one line that
/// the cores pass back and forth. Two threads may share a slot; they are then only as slow as one slot.
///
/// ```swift
/// let slot = ThreadSlot.current  // 0 ..< ThreadSlot.count, the same on every call from one thread
/// ```
enum ThreadSlot {
    /// Slots: more than the cores that decide at once, so that two threads seldom share one.
    static let count = 16

    /// The calling thread's slot.
    static var current: Int {
        #if canImport(Darwin)
        let thread = UInt64(UInt(bitPattern: pthread_self()))
        #else
        let thread = UInt64(pthread_self())
        #endif
        return Int((thread &* 0x9E37_79B9_7F4A_7C15) >> 60) & (count - 1)
    }
}

/// Strings that every decision copies (expert ids, role names), once per `ThreadSlot`, each copy with
/// storage of its own: copying a long string retains its storage, and a thread's copies are then
/// retained on lines no other thread writes. (Strings of up to 15 bytes are held inline and retain
/// nothing.)
///
/// ```swift
/// let names = StringCopies(["Mathematician", "Physician of the heart"])
/// names.current[1]  // "Physician of the heart", this thread's copy
/// ```
struct StringCopies: Sendable {
    private let copies: [[String]]

    init(_ strings: [String]) {
        copies = (0..<ThreadSlot.count).map { _ in strings.map { String(decoding: Array($0.utf8), as: UTF8.self) } }
    }

    /// The calling thread's copies, in the order given.
    var current: [String] { copies[ThreadSlot.current] }
}
