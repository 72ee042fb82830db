import CWordScan

/// The vocabulary's words (lower-cased, stemmed) for the lexical matcher, looked up by the words of a
/// question as they are written, without building a `String` or stemming anything.
///
/// Stemming only ever drops an `s`, an `es` or an `ies` (for `y`), so each vocabulary word has at most
/// four written forms that stem to it (`probability`, `probabilities`; `class`, `classes`). The table
/// holds every such ASCII form, each checked against `LexicalSkillMatcher.stem`, in an open-addressing
/// hash table keyed by the form's first eight bytes and its length (`conclave_word_key`). A signature
/// bit per form, from the same key, turns most of a question's words away before any lookup. Reading a
/// text's words, keying them and looking them up is one C function (`conclave_scan`, in `CWordScan`),
/// which the matcher calls once per question. A word with non-ASCII characters comes back from it and is
/// tokenized and stemmed the slow way and looked up by its stem (`id(ofStem:)`).
///
/// ```swift
/// var builder = WordTable.Builder()
/// let id = builder.insert("probability")          // 0
/// builder.table { _ in true }.id(ofStem: "probability")  // Optional(0); "Probabilities" in a text finds it too
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

        /// How many words have an id.
        var count: Int { words.count }

        /// The table of the words so far; `starts(id)` tells whether some phrase starts with a word.
        func table(starts: (Int32) -> Bool) -> WordTable {
            WordTable(stems: ids, forms: Self.forms(of: words), starts: (0..<Int32(words.count)).map(starts))
        }

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

    /// The table of `forms`; `starts`, by word id, whether some phrase starts with the word (a scan leaves
    /// out a word that none starts with unless it follows a reported word).
    init(stems: [String: Int32], forms: [(form: [UInt8], id: Int32)], starts: [Bool]) {
        self.stems = stems
        self.hasWideStems = stems.keys.contains { $0.utf8.contains { $0 >= 0x80 } }
        self.storage = Storage(forms: forms, starts: starts)
    }

    /// Whether some vocabulary word has non-ASCII characters (only then can a word with one be in it).
    let hasWideStems: Bool

    /// The id of a stemmed token, or nil when it is not in the vocabulary.
    func id(ofStem token: String) -> Int32? { stems[token] }

    /// The key of the ASCII word of `count` bytes at `word` (letters and digits only); `readable` bytes
    /// from `word` on may be read (at least `count`).
    @inline(__always)
    static func key(_ word: UnsafePointer<UInt8>, _ count: Int, readable: Int) -> conclave_word_key {
        conclave_key(word, Int64(count), Int64(readable))
    }

    /// The id of the vocabulary word that the ASCII word of `count` bytes at `word`, with this key,
    /// stems to once lower-cased; -1 when there is none.
    func id(of key: conclave_word_key, _ word: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        withUnsafePointer(to: storage.table) { conclave_probe($0, key, word, Int64(count)) }
    }

    /// Reads the words of the `count` bytes at `bytes`, numbering them from `position` (left one past
    /// the last), and reports those in the table and those with non-ASCII bytes, in order; returns how
    /// many. The first `capacity` are written to `found`. A word no phrase starts with is reported only
    /// right after a reported word (or as the first word): elsewhere no phrase can hold it.
    @inline(__always)
    func scan(
        _ bytes: UnsafePointer<UInt8>,
        _ count: Int,
        position: inout Int32,
        into found: UnsafeMutablePointer<conclave_scanned_word>,
        capacity: Int
    ) -> Int {
        withUnsafePointer(to: storage.table) { Int(conclave_scan($0, bytes, Int64(count), &position, found, Int64(capacity))) }
    }

    /// The table itself, in memory allocated once and never written after `init`, so a lookup reads
    /// plain pointers: no bounds checks, no reference counting.
    ///
    /// A word is known by its head: its first eight bytes (fewer when it is shorter), lower-cased, as one
    /// integer read in a single load. The head and the length pick the slot and the signature bit, and a
    /// word of up to eight bytes is found by comparing two integers; only the bytes of longer words past
    /// the head are compared one by one.
    private final class Storage: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<conclave_word_slot>
        private let slotRests: UnsafeMutableBufferPointer<Int32>
        private let rest: UnsafeMutableBufferPointer<UInt8>
        private let signatureBits: UnsafeMutablePointer<UInt64>
        private let startBytes: UnsafeMutableBufferPointer<UInt8>
        /// The same memory as the scan and the probe read it.
        let table: conclave_word_table

        init(forms: [(form: [UInt8], id: Int32)], starts: [Bool]) {
            // At most a quarter of the slots are taken, so a probe seldom goes past its first (measured: a
            // question's words are found about 4% faster than with half the slots taken, and no faster with
            // an eighth).
            var capacity = 64
            while capacity < forms.count * 4 { capacity *= 2 }
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: conclave_word_slot(head: 0, id: -1, count: 0))
            slotRests = .allocate(capacity: capacity)
            slotRests.initialize(repeating: 0)
            let signatureWords = Int(conclave_signature_words)
            // Every form's bits, then those of the forms of words that start phrases.
            signatureBits = .allocate(capacity: 2 * signatureWords)
            signatureBits.initialize(repeating: 0, count: 2 * signatureWords)
            var tails: [UInt8] = []
            for (form, id) in forms where !form.isEmpty {
                let key = form.withUnsafeBufferPointer { WordTable.key($0.baseAddress!, form.count, readable: form.count) }
                var slot = Int(conclave_slot(key, Int64(capacity - 1)))
                while slots[slot].id >= 0 { slot = (slot + 1) & (capacity - 1) }
                slots[slot] = conclave_word_slot(head: key.head, id: id, count: Int32(form.count))
                slotRests[slot] = Int32(tails.count)
                tails += form.dropFirst(8)
                let signature = Int(conclave_signature(key))
                signatureBits[signature >> 6] |= 1 << UInt64(signature & 63)
                if starts[Int(id)] { signatureBits[signatureWords + (signature >> 6)] |= 1 << UInt64(signature & 63) }
            }
            rest = .allocate(capacity: max(tails.count, 1))
            _ = rest.initialize(from: tails)
            startBytes = .allocate(capacity: max(starts.count, 1))
            _ = startBytes.initialize(from: starts.map { $0 ? 1 : 0 })
            table = conclave_word_table(
                slots: slots.baseAddress,
                rests: slotRests.baseAddress,
                rest: rest.baseAddress,
                mask: Int64(capacity - 1),
                signatures: signatureBits,
                starting: signatureBits + signatureWords,
                starts: startBytes.baseAddress
            )
        }

        deinit {
            slots.deallocate()
            slotRests.deallocate()
            rest.deallocate()
            signatureBits.deallocate()
            startBytes.deallocate()
        }
    }
}
