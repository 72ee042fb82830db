/// The position of each name of a fixed list (skills, experts, roles), found from a name by hashing its
/// UTF-8 bytes with FNV-1a into an open-addressing table and comparing bytes: several times cheaper than
/// a `[String: Int]` lookup for the short names a decision looks up many times. The first of repeated
/// names wins.
///
/// Bytes are only compared when the names and the name looked up are all ASCII; otherwise the lookup goes
/// through a dictionary, so names that Swift holds equal (canonically equivalent Unicode) still match.
///
/// ```swift
/// let index = NameIndex(["algebra", "geometry"])
/// index["geometry"]   // Optional(1)
/// index["biology"]    // nil
/// ```
struct NameIndex: Sendable {
    /// Each slot: a position in the list (-1 when empty), that name's hash, and where its bytes are in
    /// `bytes` (start, count).
    private let slots: [Int32]
    private let hashes: [UInt64]
    private let spans: [(start: Int32, count: Int32)]
    private let bytes: [UInt8]
    private let mask: Int
    /// Every name's first position, for lookups that involve a name that is not ASCII.
    private let byName: [String: Int]
    private let allASCII: Bool

    init(_ names: [String]) {
        var capacity = 16
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes = [UInt64](repeating: 0, count: capacity)
        var spans = [(start: Int32, count: Int32)](repeating: (0, 0), count: capacity)
        var bytes: [UInt8] = []
        for (position, name) in names.enumerated() {
            let utf8 = Array(name.utf8)
            let hash = utf8.withUnsafeBufferPointer(Self.hash)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            var repeated = false
            while slots[slot] >= 0 {
                if hashes[slot] == hash, bytes[Int(spans[slot].start)..<Int(spans[slot].start + spans[slot].count)].elementsEqual(utf8) {
                    repeated = true
                }
                slot = (slot + 1) & (capacity - 1)
            }
            guard !repeated else { continue }
            slots[slot] = Int32(position)
            hashes[slot] = hash
            spans[slot] = (Int32(bytes.count), Int32(utf8.count))
            bytes += utf8
        }
        self.slots = slots
        self.hashes = hashes
        self.spans = spans
        self.bytes = bytes
        self.mask = capacity - 1
        self.byName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.allASCII = bytes.allSatisfy { $0 < 0x80 }
    }

    /// The position of `name` in the list, or nil when it is not there.
    subscript(name: String) -> Int? {
        guard allASCII else { return byName[name] }
        var name = name
        return name.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 >= 0x80 }) else { return byName[String(decoding: utf8, as: UTF8.self)] }
            let hash = Self.hash(utf8)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let position = slots[slot]
                if position < 0 { return nil }
                if hashes[slot] == hash, spells(spans[slot], utf8) { return Int(position) }
                slot = (slot + 1) & mask
            }
        }
    }

    private func spells(_ span: (start: Int32, count: Int32), _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(span.count) == utf8.count else { return false }
        let start = Int(span.start)
        for offset in 0..<utf8.count where bytes[start + offset] != utf8[offset] { return false }
        return true
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash ^ (hash >> 29)
    }
}
