import Foundation

/// Which of a fixed number of slots the calling thread takes: a multiplicative hash of the thread's
/// identity. Objects that every decision retains are kept once per slot (`ThreadCopies`),
/// so that threads deciding at once write reference counts on lines of their own, not on one line that
/// the cores pass back and forth. Two threads may land on one slot: they then share its counts, which
/// is only slower.
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

/// Values that every decision copies out of a long-lived object (expert ids, role names, the matcher's
/// phrases, the owner that keeps the recruiter alive), made once per `ThreadSlot`, so that each thread copies its own: copying a string longer
/// than 15 bytes retains its storage, and a thread's copies are then retained on lines no other thread
/// writes. Make each slot's value with storage of its own (`String.withOwnStorage`).
///
/// ```swift
/// let names = ThreadCopies { ["Mathematician", "Physician of the heart"].map(\.withOwnStorage) }
/// names.current[1]  // "Physician of the heart", this thread's copy
/// ```
struct ThreadCopies<Value: Sendable>: Sendable {
    private let copies: [Value]

    init(_ make: () -> Value) { copies = (0..<ThreadSlot.count).map { _ in make() } }

    /// The calling thread's copy.
    var current: Value { copies[ThreadSlot.current] }
}

extension String {
    /// The same text in storage of its own (a string of up to 15 bytes is held inline either way).
    var withOwnStorage: String { String(decoding: Array(utf8), as: UTF8.self) }
}
