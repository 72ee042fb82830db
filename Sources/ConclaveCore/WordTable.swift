/// The vocabulary's words (lower-cased, stemmed) in an open-addressing hash table over their UTF-8 bytes,
/// so the lexical matcher can look up a word of a question without building a `String` for it.
///
/// ```swift
/// var builder = WordTable.Builder()
/// let id = builder.insert("algebra")              // 0
/// let table = builder.table
/// "algebra".utf8.withContiguousStorageIfAvailable { table.id(of: $0) }  // Optional(Optional(0))
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

    /// Each slot: the word's id, or -1 when empty.
    private let slots: [Int32]
    private let mask: Int
    /// The bytes of every word, back to back, and where each starts (one more entry than words).
    private let bytes: [UInt8]
    private let starts: [Int]
    /// Bit n is set when some word is n bytes long (n < 64); longer words set bit 63.
    let lengths: UInt64
    /// Bit b of word b / 64 is set when some word starts with byte b.
    private let firstBytes: (UInt64, UInt64, UInt64, UInt64)

    init(words: [String]) {
        var capacity = 16
        while capacity < words.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        var bytes: [UInt8] = []
        var starts = [0]
        var lengths: UInt64 = 0
        var first: [UInt64] = [0, 0, 0, 0]
        for (id, word) in words.enumerated() {
            let utf8 = Array(word.utf8)
            var slot = Int(truncatingIfNeeded: Self.hash(utf8)) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(id)
            bytes += utf8
            starts.append(bytes.count)
            lengths |= 1 << UInt64(min(utf8.count, 63))
            if let head = utf8.first { first[Int(head >> 6)] |= 1 << UInt64(head & 63) }
        }
        self.slots = slots
        self.mask = capacity - 1
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
        self.firstBytes = (first[0], first[1], first[2], first[3])
    }

    /// The id of the word spelled by `word`, or nil when it is not in the vocabulary.
    func id(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let head = word.first, lengths & (1 << UInt64(min(word.count, 63))) != 0 else { return nil }
        let set: UInt64
        switch head >> 6 {
        case 0: set = firstBytes.0
        case 1: set = firstBytes.1
        case 2: set = firstBytes.2
        default: set = firstBytes.3
        }
        guard set & (1 << UInt64(head & 63)) != 0 else { return nil }
        var slot = Int(truncatingIfNeeded: Self.hash(word)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if spells(Int(id), word) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `word`, or nil when it is not in the vocabulary.
    func id(of word: String) -> Int32? {
        var word = word
        return word.withUTF8 { id(of: $0) }
    }

    private func spells(_ id: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == word.count else { return false }
        for offset in 0..<word.count where bytes[start + offset] != word[offset] { return false }
        return true
    }

    /// 64-bit FNV-1a over the bytes.
    private static func hash<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash ^ (hash >> 29)
    }
}
