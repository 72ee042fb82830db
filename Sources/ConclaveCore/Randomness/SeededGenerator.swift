/// A small, fast, seedable random number generator (SplitMix64): the same seed gives the same sequence on
/// every platform, which makes recruitment reproducible.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let x = Double.random(in: 0..<1, using: &rng)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one instance of a run: mixes the run's seed with the instance id, so a team does not
    /// depend on the order of the dataset or on `--limit`.
    public init(seed: UInt64, instanceID: String) {
        self.init(seed: seed ^ StableHash.fnv1a(instanceID))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hashes that stay the same across processes and platforms (Swift's `Hasher` is randomly seeded).
public enum StableHash {
    /// 64-bit FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hasher = FNV1a()
        hasher.combine(text)
        return hasher.value
    }
}

/// 64-bit FNV-1a fed piece by piece: hashing parts in turn equals hashing their concatenation, without
/// building it.
///
/// ```swift
/// var hasher = FNV1a()
/// hasher.combine("ab")
/// hasher.combine("c")
/// hasher.value == StableHash.fnv1a("abc")  // true
/// ```
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var hash = value
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            value = hash
        }
    }
}
