/// The vocabulary's words (lower-cased, stemmed) in an open-addressing hash table over their UTF-8 bytes,
/// so the lexical matcher can look up a word of a question without building a `String` for it. An ASCII
/// word is lower-cased and stemmed as it is hashed; cheap filters (stem length, first and last byte) turn
/// most words away before any hashing.
///
/// ```swift
/// var builder = WordTable.Builder()
/// let id = builder.insert("algebra")              // 0
/// builder.table.id(of: "algebra")                 // Optional(0)
/// ```
struct WordTable: Sendable {
    /// Collects words and gives each an id, in order of first insertion.
    struct Builder {
        private var ids: [String: Int32] = [:]
        private var words: [String] = []

        /// The word's id, inserting it when new.
        mutating func insert(_ word: String) -> Int32 {
            if let id = ids[word] { return id }
            let id = Int32(words.count)
            ids[word] = id
            words.append(word)
            return id
        }

        var table: WordTable { WordTable(words: words) }
    }

    /// For each byte: 0 for an ASCII byte that separates words, the lower-cased byte for an ASCII letter or
    /// digit, 0xFF for a byte of a non-ASCII character.
    static let byteClasses: [UInt8] = (0..<256).map { value -> UInt8 in
        let byte = UInt8(value)
        switch byte {
        case 48...57, 97...122: return byte
        case 65...90: return byte + 32
        case 128...255: return 0xFF
        default: return 0
        }
    }

    /// Each slot: the word's id, or -1 when empty, and the word's hash.
    private let slotIDs: [Int32]
    private let slotHashes: [UInt64]
    private let mask: Int
    /// The bytes of every word, back to back, and where each starts (one more entry than words).
    private let bytes: [UInt8]
    private let starts: [Int]
    /// Bit n is set when some word is n bytes long (n < 64); longer words set bit 63.
    private let lengths: UInt64
    /// Bit (first byte × 256 + last byte) is set when some word starts and ends with those bytes.
    private let ends: [UInt64]
    /// Bit (b0 × 256 + b1) is set when some word starts with the bytes b0 b1; bit b0 when a word is the
    /// single byte b0.
    private let prefixes: [UInt64]
    private let singles: [UInt64]
    /// The longest and the shortest word in bytes.
    let longest: Int
    private let shortest: Int

    init(words: [String]) {
        var capacity = 64
        while capacity < words.count * 8 { capacity *= 2 }
        var slotIDs = [Int32](repeating: -1, count: capacity)
        var slotHashes = [UInt64](repeating: 0, count: capacity)
        var bytes: [UInt8] = []
        var starts = [0]
        var lengths: UInt64 = 0
        var ends = [UInt64](repeating: 0, count: 1024)
        var longest = 0
        var shortest = Int.max
        var prefixes = [UInt64](repeating: 0, count: 1024)
        var singles = [UInt64](repeating: 0, count: 4)
        for (id, word) in words.enumerated() {
            let utf8 = Array(word.utf8)
            let hash = Self.hash(utf8)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slotIDs[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slotIDs[slot] = Int32(id)
            slotHashes[slot] = hash
            bytes += utf8
            starts.append(bytes.count)
            lengths |= 1 << UInt64(min(utf8.count, 63))
            if let first = utf8.first, let last = utf8.last {
                let key = Int(first) << 8 | Int(last)
                ends[key >> 6] |= 1 << UInt64(key & 63)
            }
            longest = max(longest, utf8.count)
            shortest = min(shortest, utf8.count)
            if utf8.count == 1 {
                singles[Int(utf8[0] >> 6)] |= 1 << UInt64(utf8[0] & 63)
            } else if utf8.count > 1 {
                let key = Int(utf8[0]) << 8 | Int(utf8[1])
                prefixes[key >> 6] |= 1 << UInt64(key & 63)
            }
        }
        self.slotIDs = slotIDs
        self.slotHashes = slotHashes
        self.mask = capacity - 1
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
        self.ends = ends
        self.longest = longest
        self.shortest = shortest
        self.prefixes = prefixes
        self.singles = singles
    }

    /// The id of `word`, or nil when it is not in the vocabulary.
    func id(of word: String) -> Int32? {
        let utf8 = Array(word.utf8)
        guard let first = utf8.first, let last = utf8.last, passes(length: utf8.count, first: first, last: last) else { return nil }
        return probe(Self.hash(utf8), utf8.count) { offset in utf8[offset] }
    }

    /// The id of the ASCII word `text[range]` once lower-cased (through `classes`, `byteClasses`' storage)
    /// and stemmed as `LexicalSkillMatcher.stem` does; nil when it is not in the vocabulary.
    func id(ofASCII text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, classes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let count = range.count
        // Stemming shortens a word by at most three bytes, to no fewer than two, and keeps its first two
        // bytes (but for a four-byte -ies word, whose second becomes y): most words stop here.
        guard count <= longest + 2, count >= shortest else { return nil }
        let start = range.lowerBound
        let end = range.upperBound
        let first = classes[Int(text[start])]
        guard count > 1 else { return singles[Int(first >> 6)] & (1 << UInt64(first & 63)) != 0 ? lookUp(first) : nil }
        let fourByteIes =
            count == 4 && classes[Int(text[end - 1])] == 0x73 && classes[Int(text[end - 2])] == 0x65
            && classes[Int(text[end - 3])] == 0x69
        let second = fourByteIes ? 0x79 : classes[Int(text[start + 1])]
        let prefix = Int(first) << 8 | Int(second)
        guard prefixes[prefix >> 6] & (1 << UInt64(prefix & 63)) != 0 else { return nil }
        @inline(__always) func lower(_ back: Int) -> UInt8 { classes[Int(text[end - back])] }
        // The stem: `kept` bytes of the word, then a `y` for an -ies plural.
        var kept = count
        var endsInY = false
        if count > 3 {
            let (l1, l2, l3) = (lower(1), lower(2), lower(3))
            let l4 = lower(4)
            if l3 == 0x69, l2 == 0x65, l1 == 0x73 {  // ies
                kept = count - 3
                endsInY = true
            } else if l2 == 0x65, l1 == 0x73, l3 == 0x78 || (l3 == 0x73 && l4 == 0x73) || (l3 == 0x68 && (l4 == 0x63 || l4 == 0x73)) {
                kept = count - 2  // xes, sses, ches, shes
            } else if l1 == 0x73, l2 != 0x73, l2 != 0x75, l2 != 0x69 {
                kept = count - 1  // s, but not ss, us, is
            }
        }
        let length = kept + (endsInY ? 1 : 0)
        let last = endsInY ? 0x79 : classes[Int(text[range.lowerBound + kept - 1])]
        guard passes(length: length, first: first, last: last) else { return nil }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in range.lowerBound..<range.lowerBound + kept {
            hash ^= UInt64(classes[Int(text[index])])
            hash &*= 0x0000_0100_0000_01B3
        }
        if endsInY {
            hash ^= 0x79
            hash &*= 0x0000_0100_0000_01B3
        }
        return probe(Self.finish(hash), length) { offset in
            offset < kept ? classes[Int(text[range.lowerBound + offset])] : 0x79
        }
    }

    /// The id of the one-byte word `byte`.
    private func lookUp(_ byte: UInt8) -> Int32? {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
        return probe(Self.finish(hash), 1) { _ in byte }
    }

    @inline(__always) private func passes(length: Int, first: UInt8, last: UInt8) -> Bool {
        guard lengths & (1 << UInt64(min(length, 63))) != 0 else { return false }
        let key = Int(first) << 8 | Int(last)
        return ends[key >> 6] & (1 << UInt64(key & 63)) != 0
    }

    /// The id in the slot chain of `hash` whose word has `length` bytes equal to `byte(offset)`.
    @inline(__always) private func probe(_ hash: UInt64, _ length: Int, byte: (Int) -> UInt8) -> Int32? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slotIDs[slot]
            if id < 0 { return nil }
            if slotHashes[slot] == hash, spells(Int(id), length, byte) { return id }
            slot = (slot + 1) & mask
        }
    }

    private func spells(_ id: Int, _ length: Int, _ byte: (Int) -> UInt8) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == length else { return false }
        for offset in 0..<length where bytes[start + offset] != byte(offset) { return false }
        return true
    }

    /// 64-bit FNV-1a over the bytes, with the high bits folded in for the slot index.
    private static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return finish(hash)
    }

    @inline(__always) private static func finish(_ hash: UInt64) -> UInt64 { hash ^ (hash >> 29) }
}
