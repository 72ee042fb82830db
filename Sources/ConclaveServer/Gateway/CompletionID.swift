import Foundation

/// The ids the endpoint gives its completions: OpenAI's `chatcmpl-` prefix and 32 lower-case hexadecimal
/// digits, the first 12 the milliseconds since 1970 and the other 20 random (80 bits), as a UUIDv7 orders
/// its bits. An id is also the instance's key in the store, so ids made later sort later: each request's
/// rows go in at the end of the store's indexes, the pages a batch of them touches are few, and a busy
/// gateway's log does not rewrite pages all over an index that grows with every request.
///
/// ```swift
/// CompletionID.make()   // "chatcmpl-019ac3f2e5b04c1d7a9e38b26f05d41c"
/// ```
enum CompletionID {
    /// A new id, made at `now`.
    static func make(at now: Date = Date(), using generator: inout some RandomNumberGenerator) -> String {
        let milliseconds = UInt64(max(0, min(now.timeIntervalSince1970 * 1000, Double(1 << 48 - 1))))
        let random = generator.next() as UInt64
        let more = (generator.next() as UInt64) & 0xffff
        // Written into the string's own bytes: one allocation, where joining five strings took several.
        return String(unsafeUninitializedCapacity: prefix.count + 32) { bytes in
            var end = 0
            func put(_ value: UInt64, digits: Int) {
                for digit in stride(from: digits - 1, through: 0, by: -1) {
                    bytes[end] = hexDigits[Int(truncatingIfNeeded: value >> (4 * digit)) & 0xf]
                    end += 1
                }
            }
            for byte in prefix { (bytes[end], end) = (byte, end + 1) }
            put(milliseconds, digits: 12)
            put(random, digits: 16)
            put(more, digits: 4)
            return end
        }
    }

    /// A new id, made now with the system's random numbers (drawn from the process's pool).
    static func make() -> String {
        var generator = PooledRandomNumberGenerator()
        return make(using: &generator)
    }

    private static let prefix = Array("chatcmpl-".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
