/// The vocabulary's words (lower-cased, stemmed) for the lexical matcher, looked up by the words of a
/// question as they are written, without building a `String` or stemming anything.
///
/// Stemming only ever drops an `s`, an `es` or an `ies` (for `y`), so each vocabulary word has at most
/// four written forms that stem to it (`probability`, `probabilities`; `class`, `classes`). The table
/// holds every such ASCII form, each checked against `LexicalSkillMatcher.stem`, in an open-addressing
/// hash table over its bytes. A signature bit per form (its length and first and last two bytes) turns
/// most of a question's words away before any hashing. A word with non-ASCII characters is tokenized and
/// stemmed the slow way and looked up by its stem (`id(ofStem:)`).
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

    /// 1 when the ASCII word of `count` bytes at `word` (letters and digits only) may be a form in the
    /// table once lower-cased, 0 when it surely is not; computed without a branch, so a scan can keep
    /// the candidates of a whole text before looking any up.
    @inline(__always)
    func mayHold(_ word: UnsafePointer<UInt8>, _ count: Int) -> Int { storage.mayHold(word, count) }

    /// The id of the vocabulary word that the ASCII word of `count` bytes at `word` stems to, once
    /// lower-cased; -1 when there is none.
    @inline(__always)
    func id(ofASCII word: UnsafePointer<UInt8>, _ count: Int) -> Int32 { storage.probe(word, count) }

    /// The table itself, in memory allocated once and never written after `init`, so a lookup reads
    /// plain pointers: no bounds checks, no reference counting.
    private final class Storage: @unchecked Sendable {
        /// Each slot: the form's id (-1 when empty), its hash, and where its bytes start in `bytes` and
        /// how many they are.
        private let slotIDs: UnsafeMutableBufferPointer<Int32>
        private let slotHashes: UnsafeMutableBufferPointer<UInt64>
        private let slotSpans: UnsafeMutableBufferPointer<(start: Int32, count: Int32)>
        private let mask: Int
        private let bytes: UnsafeMutableBufferPointer<UInt8>
        /// Bit `signature(form)` set for every form: one bit test turns away most words that are not in
        /// the table.
        private let signatures: UnsafeMutableBufferPointer<UInt64>

        init(forms: [(form: [UInt8], id: Int32)]) {
            var capacity = 64
            while capacity < forms.count * 4 { capacity *= 2 }
            slotIDs = .allocate(capacity: capacity)
            slotIDs.initialize(repeating: -1)
            slotHashes = .allocate(capacity: capacity)
            slotHashes.initialize(repeating: 0)
            slotSpans = .allocate(capacity: capacity)
            slotSpans.initialize(repeating: (0, 0))
            mask = capacity - 1
            signatures = .allocate(capacity: Self.signatureWords)
            signatures.initialize(repeating: 0)
            var all: [UInt8] = []
            for (form, id) in forms where !form.isEmpty {
                let hash = Self.hash(form.withUnsafeBufferPointer { $0.baseAddress! }, form.count)
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slotIDs[slot] >= 0 { slot = (slot + 1) & mask }
                slotIDs[slot] = id
                slotHashes[slot] = hash
                slotSpans[slot] = (Int32(all.count), Int32(form.count))
                all += form
                let signature = form.withUnsafeBufferPointer { Self.signature(of: $0.baseAddress!, form.count) }
                signatures[signature >> 6] |= 1 << UInt64(signature & 63)
            }
            bytes = .allocate(capacity: max(all.count, 1))
            _ = bytes.initialize(from: all)
        }

        deinit {
            slotIDs.deallocate()
            slotHashes.deallocate()
            slotSpans.deallocate()
            bytes.deallocate()
            signatures.deallocate()
        }

        @inline(__always)
        func mayHold(_ word: UnsafePointer<UInt8>, _ count: Int) -> Int {
            let signature = Self.signature(of: word, count)
            return Int(truncatingIfNeeded: signatures[signature >> 6] >> UInt64(signature & 63)) & 1
        }

        /// The id of the form spelled by the `count` bytes at `word` once lower-cased; -1 when there is
        /// none.
        func probe(_ word: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for index in 0..<count {
                hash ^= UInt64(Self.lower(word[index]))
                hash &*= 0x0000_0100_0000_01B3
            }
            hash = Self.finish(hash)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let id = slotIDs[slot]
                if id < 0 { return -1 }
                if slotHashes[slot] == hash, spells(slotSpans[slot], word, count) { return id }
                slot = (slot + 1) & mask
            }
        }

        /// Whether the stored form `span` is the `count` bytes at `word`, lower-cased.
        private func spells(_ span: (start: Int32, count: Int32), _ word: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            guard Int(span.count) == count else { return false }
            let start = Int(span.start)
            for offset in 0..<count where bytes[start + offset] != Self.lower(word[offset]) { return false }
            return true
        }

        /// An ASCII letter or digit lower-cased: setting bit 5 lower-cases a letter and leaves a digit as
        /// it is.
        @inline(__always) private static func lower(_ byte: UInt8) -> UInt8 { byte | 0x20 }

        /// 2¹⁵ signature bits, in 64-bit words (4 KiB: it stays in the L1 cache).
        private static let signatureWords = 1 << 9

        /// A word's length and its first two and last two bytes (lower-cased), mixed into 15 bits; a
        /// one-byte word's byte stands for all four.
        @inline(__always)
        private static func signature(of word: UnsafePointer<UInt8>, _ count: Int) -> Int {
            let second = count > 1 ? 1 : 0
            let last = count - 1
            let packed =
                UInt64(truncatingIfNeeded: count) << 32 | UInt64(lower(word[0])) << 24 | UInt64(lower(word[second])) << 16
                | UInt64(lower(word[last - second])) << 8 | UInt64(lower(word[last]))
            return Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 49)
        }

        /// 64-bit FNV-1a over the bytes (already lower-case), with the high bits folded in for the slot.
        private static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for index in 0..<count {
                hash ^= UInt64(bytes[index])
                hash &*= 0x0000_0100_0000_01B3
            }
            return finish(hash)
        }

        @inline(__always) private static func finish(_ hash: UInt64) -> UInt64 { hash ^ (hash >> 29) }
    }
}
