/// The vocabulary's words (lower-cased, stemmed) for the lexical matcher, looked up by the words of a
/// question as they are written, without building a `String` or stemming anything.
///
/// Stemming only ever drops an `s`, an `es` or an `ies` (for `y`), so each vocabulary word has at most
/// four written forms that stem to it (`probability`, `probabilities`; `class`, `classes`). The table
/// holds every such ASCII form, each checked against `LexicalSkillMatcher.stem`, in an open-addressing
/// hash table keyed by the form's first eight bytes and its length (`Key`). A signature bit per form,
/// from the same key, turns most of a question's words away before any lookup (`Prefilter`). A word with
/// non-ASCII characters is tokenized and stemmed the slow way and looked up by its stem (`id(ofStem:)`).
///
/// ```swift
/// var builder = WordTable.Builder()
/// let id = builder.insert("probability")          // 0
/// builder.table.id(ofStem: "probability")         // Optional(0); "Probabilities" in a text finds it too
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

        var table: WordTable { WordTable(stems: ids, forms: Self.forms(of: words)) }

        /// Every ASCII written form whose stem is one of `words`, with that word's id.
        private static func forms(of words: [String]) -> [(form: [UInt8], id: Int32)] {
            var forms: [(form: [UInt8], id: Int32)] = []
            for (id, word) in words.enumerated() where word.utf8.allSatisfy({ $0 < 0x80 }) {
                var candidates = [word, word + "s", word + "es"]
                if word.hasSuffix("y") { candidates.append(String(word.dropLast()) + "ies") }
                for form in candidates where LexicalSkillMatcher.stem(form) == word { forms.append((Array(form.utf8), Int32(id))) }
            }
            return forms
        }
    }

    private let stems: [String: Int32]
    private let storage: Storage

    init(stems: [String: Int32], forms: [(form: [UInt8], id: Int32)]) {
        self.stems = stems
        self.storage = Storage(forms: forms)
    }

    /// The id of a stemmed token, or nil when it is not in the vocabulary.
    func id(ofStem token: String) -> Int32? { stems[token] }

    /// What a lookup needs of an ASCII word (letters and digits only): its head (its first eight bytes
    /// or fewer, lower-cased), its length, and the two mixed, computed once per word of a text.
    struct Key {
        var head: UInt64
        var mixed: UInt64
    }

    /// The key of the ASCII word of `count` bytes at `word`; `readable` bytes from `word` on may be read
    /// (at least `count`).
    @inline(__always)
    static func key(_ word: UnsafePointer<UInt8>, _ count: Int, readable: Int) -> Key {
        var bytes: UInt64
        if readable >= 8 {
            bytes = UInt64(littleEndian: UnsafeRawPointer(word).loadUnaligned(as: UInt64.self))
        } else {
            bytes = 0
            for index in 0..<readable { bytes |= UInt64(word[index]) << UInt64(8 * index) }
        }
        // Setting bit 5 lower-cases a letter and leaves a digit as it is.
        let kept: UInt64 = count >= 8 ? ~0 : (1 << UInt64(8 * count)) &- 1
        let head = (bytes | 0x2020_2020_2020_2020) & kept
        let mixed = (head ^ UInt64(truncatingIfNeeded: count) &* 0xD6E8_FEB8_6659_FD93) &* 0x9E37_79B9_7F4A_7C15
        return Key(head: head, mixed: mixed ^ (mixed >> 32))
    }

    /// The signature bits of the table's forms, as a value holding one pointer, for a scan's loop to keep
    /// in a register.
    var prefilter: Prefilter { Prefilter(signatures: storage.signatures) }

    /// One bit per signature, set for every form of the table.
    struct Prefilter {
        let signatures: UnsafePointer<UInt64>

        /// 1 when the word with this key may be a form in the table, 0 when it surely is not; computed
        /// without a branch, so a scan can keep the candidates of a whole text before looking any up.
        @inline(__always)
        func mayHold(_ key: Key) -> Int {
            let signature = WordTable.signature(key.mixed)
            return Int(truncatingIfNeeded: signatures[signature >> 6] >> UInt64(signature & 63)) & 1
        }
    }

    /// The id of the vocabulary word that the ASCII word of `count` bytes at `word`, with this key,
    /// stems to once lower-cased; -1 when there is none.
    @inline(__always)
    func id(of key: Key, _ word: UnsafePointer<UInt8>, _ count: Int) -> Int32 { storage.probe(key, word, count) }

    /// The table itself, in memory allocated once and never written after `init`, so a lookup reads
    /// plain pointers: no bounds checks, no reference counting.
    ///
    /// A word is known by its head: its first eight bytes (fewer when it is shorter), lower-cased, as one
    /// integer read in a single load. The head and the length pick the slot and the signature bit, and a
    /// word of up to eight bytes is found by comparing two integers; only the bytes of longer words past
    /// the head are compared one by one.
    private final class Storage: @unchecked Sendable {
        /// Each slot: the form's id (-1 when empty), its head, its length, and where its bytes past the
        /// head start in `rest`.
        private let slotIDs: UnsafeMutableBufferPointer<Int32>
        private let slotHeads: UnsafeMutableBufferPointer<UInt64>
        private let slotCounts: UnsafeMutableBufferPointer<Int32>
        private let slotRests: UnsafeMutableBufferPointer<Int32>
        private let rest: UnsafeMutableBufferPointer<UInt8>
        private let mask: Int
        /// Bit `signature` set for every form: one bit test turns away most words that are not in the
        /// table.
        private let signatureBits: UnsafeMutablePointer<UInt64>
        var signatures: UnsafePointer<UInt64> { UnsafePointer(signatureBits) }

        init(forms: [(form: [UInt8], id: Int32)]) {
            var capacity = 64
            while capacity < forms.count * 4 { capacity *= 2 }
            slotIDs = .allocate(capacity: capacity)
            slotIDs.initialize(repeating: -1)
            slotHeads = .allocate(capacity: capacity)
            slotHeads.initialize(repeating: 0)
            slotCounts = .allocate(capacity: capacity)
            slotCounts.initialize(repeating: 0)
            slotRests = .allocate(capacity: capacity)
            slotRests.initialize(repeating: 0)
            mask = capacity - 1
            signatureBits = .allocate(capacity: WordTable.signatureWords)
            signatureBits.initialize(repeating: 0, count: WordTable.signatureWords)
            var tails: [UInt8] = []
            for (form, id) in forms where !form.isEmpty {
                let key = form.withUnsafeBufferPointer { WordTable.key($0.baseAddress!, form.count, readable: form.count) }
                var slot = Int(truncatingIfNeeded: key.mixed) & mask
                while slotIDs[slot] >= 0 { slot = (slot + 1) & mask }
                slotIDs[slot] = id
                slotHeads[slot] = key.head
                slotCounts[slot] = Int32(form.count)
                slotRests[slot] = Int32(tails.count)
                tails += form.dropFirst(8)
                let signature = WordTable.signature(key.mixed)
                signatureBits[signature >> 6] |= 1 << UInt64(signature & 63)
            }
            rest = .allocate(capacity: max(tails.count, 1))
            _ = rest.initialize(from: tails)
        }

        deinit {
            slotIDs.deallocate()
            slotHeads.deallocate()
            slotCounts.deallocate()
            slotRests.deallocate()
            rest.deallocate()
            signatureBits.deallocate()
        }

        /// The id of the form spelled by the `count` bytes at `word` (with this key) once lower-cased; -1
        /// when there is none.
        @inline(__always)
        func probe(_ key: Key, _ word: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
            var slot = Int(truncatingIfNeeded: key.mixed) & mask
            while true {
                let id = slotIDs[slot]
                if id < 0 { return -1 }
                if slotHeads[slot] == key.head, Int(slotCounts[slot]) == count, count <= 8 || endsLike(slot, word, count) { return id }
                slot = (slot + 1) & mask
            }
        }

        /// Whether the bytes of the word past its head are those of the form in `slot`, lower-cased.
        private func endsLike(_ slot: Int, _ word: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            let start = Int(slotRests[slot])
            for offset in 8..<count where rest[start + offset - 8] != word[offset] | 0x20 { return false }
            return true
        }
    }
}

extension WordTable {
    /// 2¹⁵ signature bits, in 64-bit words (4 KiB: it stays in the L1 cache).
    fileprivate static let signatureWords = 1 << 9

    /// The signature bit of a mixed key: its top 15 bits.
    @inline(__always)
    fileprivate static func signature(_ mixed: UInt64) -> Int { Int(truncatingIfNeeded: mixed >> 49) }
}
