/// The position of each name of a fixed list (skills, experts, roles), found from a name by hashing its
/// UTF-8 bytes with FNV-1a into an open-addressing table: several times cheaper than a `[String: Int]`
/// lookup for the short names a decision looks up many times. The first of repeated names wins.
///
/// ```swift
/// let index = NameIndex(["algebra", "geometry"])
/// index["geometry"]   // Optional(1)
/// index["biology"]    // nil
/// ```
struct NameIndex: Sendable {
    private let names: [String]
    /// Each slot: a position in `names` (-1 when empty) and that name's hash.
    private let slots: [Int32]
    private let hashes: [UInt64]
    private let mask: Int

    init(_ names: [String]) {
        var capacity = 16
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes = [UInt64](repeating: 0, count: capacity)
        for (position, name) in names.enumerated() {
            let hash = Self.hash(name)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            var repeated = false
            while slots[slot] >= 0 {
                if hashes[slot] == hash, names[Int(slots[slot])] == name { repeated = true }
                slot = (slot + 1) & (capacity - 1)
            }
            guard !repeated else { continue }
            slots[slot] = Int32(position)
            hashes[slot] = hash
        }
        self.names = names
        self.slots = slots
        self.hashes = hashes
        self.mask = capacity - 1
    }

    /// The position of `name` in the list, or nil when it is not there.
    subscript(name: String) -> Int? {
        let hash = Self.hash(name)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if hashes[slot] == hash, names[Int(position)] == name { return Int(position) }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            return hash ^ (hash >> 29)
        }
    }
}
