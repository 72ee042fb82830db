import Foundation
import Synchronization

/// The system's random numbers, read from `/dev/urandom` 4 KiB at a time and handed out from a pool the
/// process shares: one system call gives 512 numbers, where `SystemRandomNumberGenerator` makes a system
/// call for each (two per completion id, on a path that makes about four others per request). Where
/// `/dev/urandom` cannot be read, the numbers come from `SystemRandomNumberGenerator`.
///
/// ```swift
/// var generator = PooledRandomNumberGenerator()
/// let id = CompletionID.make(using: &generator)
/// ```
struct PooledRandomNumberGenerator: RandomNumberGenerator {
    private static let pool = Mutex(Pool())

    mutating func next() -> UInt64 {
        Self.pool.withLock { $0.next() }
    }

    /// The numbers read and not handed out yet.
    private struct Pool {
        static let size = 512
        private var numbers: [UInt64] = []
        private var source = FileHandle(forReadingAtPath: "/dev/urandom")

        mutating func next() -> UInt64 {
            if numbers.isEmpty { refill() }
            if let number = numbers.popLast() { return number }
            var system = SystemRandomNumberGenerator()
            return system.next()
        }

        private mutating func refill() {
            guard let data = try? source?.read(upToCount: Self.size * 8), data.count == Self.size * 8 else {
                source = nil
                return
            }
            numbers = data.withUnsafeBytes { bytes in
                (0..<Self.size).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
            }
        }
    }
}
