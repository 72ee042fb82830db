import CWordScan

/// Finds registry skills in an instance's text by matching skill names and aliases as word n-grams, after
/// lower-casing and light plural stemming. It needs no model, so it serves offline and as the default.
///
/// The vocabulary's phrases form a trie over word ids, and the text is read once as UTF-8 bytes, 64 at
/// a time (`WordTable.scan`, in C): an ASCII word is looked up as written among the forms that stem to a
/// vocabulary word (`WordTable`), without building a `String`; a word with non-ASCII characters is cut
/// into pieces from its bytes (`WideWord`), and only one with combining marks, joiners or letters of
/// other scripts goes through `tokens(_:)`. The result is the same as tokenizing the whole text with
/// `tokens(_:)` and matching the longest phrase at each word.
///
/// ```swift
/// let matcher = LexicalSkillMatcher(skills: registry.skills)
/// matcher.match("Solve the equation 2x + 3 = 7")  // [SkillMatch(skill: "algebra", term: "equation")]
/// ```
public final class LexicalSkillMatcher: Sendable {
    /// One skill found in a text, with the vocabulary term that revealed it.
    public struct SkillMatch: Sendable, Hashable, Codable {
        public var skill: String
        public var term: String

        public init(skill: String, term: String) {
            self.skill = skill
            self.term = term
        }
    }

    /// A vocabulary word found in the text (`word`, its id), at its word position (`position`), with its
    /// bytes (`start`, `count`); as the scan reports it.
    private typealias Hit = conclave_scanned_word

    private let words: WordTable
    /// The phrase trie: the root's child for each word id (-1 when none), then (node << 32 | word id) →
    /// child node for the deeper edges; node 0 is the root.
    private let rootChild: FrozenArray<Int32>
    private let children: TrieEdges
    /// The phrase that ends at each node, as an index into `phrases`; -1 where none ends.
    private let phraseAt: FrozenArray<Int32>
    /// Whether a longer phrase goes on from each node (a deeper edge leaves it).
    private let extends: FrozenArray<Bool>
    /// Each phrase's match, copied per thread slot (a question's matches hold them).
    private let phrases: ThreadCopies<[SkillMatch]>
    /// The skill of each phrase, as an index into `skillNames`.
    private let skillOfPhrase: FrozenArray<Int32>
    /// By word id, what a phrase starting at that word is without walking the trie: the phrase that is
    /// the word alone when no longer phrase starts with it (≥ 0), `noPhrase` when none starts with it,
    /// `longerPhrases` when the trie must be walked.
    private let startingPhrase: FrozenArray<Int32>
    private static let noPhrase: Int32 = -1
    private static let longerPhrases: Int32 = -2
    /// The distinct skills of the vocabulary, in order of declaration: a match's skill id is its index here.
    let skillNames: [String]

    /// The skill id of each phrase, in the order of the phrases that packed matches (`SkillMatches`) index.
    var phraseSkillIDs: [Int32] { (0..<skillOfPhrase.count).map { skillOfPhrase[$0] } }

    public init(skills: [Skill]) {
        var table = WordTable.Builder()
        var children: [UInt64: Int32] = [:]
        var phraseAt: [Int32] = [-1]
        var phrases: [SkillMatch] = []
        var skillOfPhrase: [Int32] = []
        var skillIndex: [String: Int32] = [:]
        var skillNames: [String] = []
        for skill in skills {
            for term in [skill.name] + skill.aliases {
                let tokens = Self.tokens(term)
                guard !tokens.isEmpty else { continue }
                var node: Int32 = 0
                for token in tokens {
                    let key = TrieEdges.key(node: node, word: table.insert(token))
                    if let child = children[key] {
                        node = child
                    } else {
                        node = Int32(phraseAt.count)
                        phraseAt.append(-1)
                        children[key] = node
                    }
                }
                guard phraseAt[Int(node)] < 0 else { continue }  // the first declaration of a phrase wins
                phraseAt[Int(node)] = Int32(phrases.count)
                phrases.append(SkillMatch(skill: skill.name, term: term))
                let index = skillIndex[skill.name] ?? Int32(skillIndex.count)
                if index == skillNames.count { skillNames.append(skill.name) }
                skillIndex[skill.name] = index
                skillOfPhrase.append(index)
            }
        }
        var rootChild: [Int32] = []
        for (key, child) in children where key >> 32 == 0 {
            let word = Int(key & 0xFFFF_FFFF)
            if word >= rootChild.count { rootChild += [Int32](repeating: -1, count: word + 1 - rootChild.count) }
            rootChild[word] = child
        }
        self.words = table.table { word in Int(word) < rootChild.count && rootChild[Int(word)] >= 0 }
        self.rootChild = FrozenArray(rootChild)
        self.children = TrieEdges(children.filter { $0.key >> 32 != 0 })
        var extends = [Bool](repeating: false, count: phraseAt.count)
        for key in children.keys { extends[Int(key >> 32)] = true }
        self.extends = FrozenArray(extends)
        self.phraseAt = FrozenArray(phraseAt)
        self.startingPhrase = FrozenArray(
            (0..<table.count).map { word in
                guard word < rootChild.count, rootChild[word] >= 0 else { return Self.noPhrase }
                let node = Int(rootChild[word])
                return extends[node] ? Self.longerPhrases : phraseAt[node]
            }
        )
        self.phrases = ThreadCopies { phrases.map { SkillMatch(skill: $0.skill.withOwnStorage, term: $0.term.withOwnStorage) } }
        self.skillOfPhrase = FrozenArray(skillOfPhrase)
        self.skillNames = skillNames
    }

    deinit {
        rootChild.free()
        phraseAt.free()
        extends.free()
        startingPhrase.free()
        skillOfPhrase.free()
    }

    /// The skills found in `text`, each once, in order of first appearance; longer phrases win over the
    /// shorter ones they contain.
    public func match(_ text: String) -> [SkillMatch] { match(text, then: []) }

    /// The skills found in `text` followed by `more`, read as one text joined by spaces (a phrase may
    /// span two parts).
    public func match(_ text: String, then more: [String]) -> [SkillMatch] {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: skillNames.count) { Array(match(text, then: more, skillIDs: $0)) }
    }

    /// `match(_:then:)`, the matches held as phrase indices where they pack (`SkillMatches`), writing each match's skill id (its index in `skillNames`) to `skillIDs`, which
    /// has room for every skill of the vocabulary.
    ///
    /// The parts are read by `WordTable.scan`: a text alone where it lies; several joined on the stack
    /// when they fit in 1 KiB together, else one by one where they lie, the word positions running on
    /// from one part to the next. The hits go to a buffer on the stack; a question with more vocabulary
    /// words than it holds is scanned again into memory sized for every word.
    func match(_ text: String, then more: [String], skillIDs: UnsafeMutableBufferPointer<Int32>) -> SkillMatches {
        let matched = withUnsafeTemporaryAllocation(of: Hit.self, capacity: Self.stackHits) { hits -> SkillMatches? in
            let count = scan(text, then: more, into: hits)
            return count <= hits.count ? phraseMatches(UnsafeBufferPointer(rebasing: hits[..<count]), skillIDs: skillIDs) : nil
        }
        if let matched { return matched }
        // A word takes at least one byte and a separator, so n bytes hold at most (n + 1) / 2 words.
        var bound = (text.utf8.count + 1) / 2 + 1
        for part in more { bound += (part.utf8.count + 1) / 2 + 1 }
        var hits = [Hit](repeating: Hit(), count: bound)
        return hits.withUnsafeMutableBufferPointer { hits in
            let count = min(scan(text, then: more, into: hits), hits.count)
            return phraseMatches(UnsafeBufferPointer(rebasing: hits[..<count]), skillIDs: skillIDs)
        }
    }

    /// Hits the stack holds: 64 are 1 KiB, the most that Swift places on the stack without asking the
    /// runtime (which, on Linux, sends anything larger to the heap).
    private static let stackHits = 64

    /// Writes the hits of `text` and then of `more` to `hits`; returns how many there are, which is more
    /// than `hits.count` when they did not all fit (those past its end are not written). Several parts
    /// that fit on the stack together are copied there, joined by spaces, and read at once; a text alone,
    /// or longer parts, are read one by one where they lie.
    private func scan(_ text: String, then more: [String], into hits: UnsafeMutableBufferPointer<Hit>) -> Int {
        var length = text.utf8.count
        for part in more { length += 1 + part.utf8.count }
        var position: Int32 = 0
        // A text alone is read where it lies; only parts to be joined are copied.
        guard more.isEmpty || length > Self.stackText else {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.stackText) { joined in
                var end = Self.copy(text, to: joined.baseAddress!)
                for part in more {
                    joined[end] = 0x20
                    end += 1 + Self.copy(part, to: joined.baseAddress! + end + 1)
                }
                return scan(UnsafeBufferPointer(rebasing: joined[..<length]), position: &position, into: hits, at: 0)
            }
        }
        var count = scan(text, position: &position, into: hits, at: 0)
        for part in more { count = scan(part, position: &position, into: hits, at: count) }
        return count
    }

    /// The longest text (all parts joined) copied to the stack to be read at once.
    private static let stackText = 1024

    /// Copies the UTF-8 bytes of `text` to `buffer`; returns how many.
    private static func copy(_ text: String, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        if let count = text.utf8.withContiguousStorageIfAvailable({ utf8 in
            if let bytes = utf8.baseAddress { buffer.initialize(from: bytes, count: utf8.count) }
            return utf8.count
        }) {
            return count
        }
        var count = 0
        for byte in text.utf8 {
            buffer[count] = byte
            count += 1
        }
        return count
    }

    /// Writes the hits of one part, numbering its words from `position` on, to `hits` from `start` on;
    /// returns where they end.
    private func scan(_ part: String, position: inout Int32, into hits: UnsafeMutableBufferPointer<Hit>, at start: Int) -> Int {
        if let end = part.utf8.withContiguousStorageIfAvailable({ scan($0, position: &position, into: hits, at: start) }) { return end }
        return Array(part.utf8).withUnsafeBufferPointer { scan($0, position: &position, into: hits, at: start) }
    }

    /// `scan(_:position:into:at:)` on the part's bytes: the words with non-ASCII bytes that the scan gives
    /// back are split or tokenized here, and the words after them moved.
    private func scan(
        _ utf8: UnsafeBufferPointer<UInt8>,
        position: inout Int32,
        into hits: UnsafeMutableBufferPointer<Hit>,
        at start: Int
    )
        -> Int
    {
        guard let bytes = utf8.baseAddress, let base = hits.baseAddress else { return start }
        let room = max(0, hits.count - start)
        let found = words.scan(bytes, utf8.count, position: &position, into: base + min(start, hits.count), capacity: room)
        guard start + found <= hits.count else { return start + found }
        let scanned = UnsafeMutableBufferPointer(rebasing: hits[start..<start + found])
        guard scanned.contains(where: { $0.word < 0 }) else { return start + found }
        let (expanded, shift) = expandingWideWords(UnsafeBufferPointer(scanned), of: utf8)
        position += shift
        guard expanded.count <= room else { return start + expanded.count }
        _ = UnsafeMutableBufferPointer(rebasing: hits[start..<start + expanded.count]).update(from: expanded)
        return start + expanded.count
    }

    /// The scan's words with each word of non-ASCII bytes replaced by the vocabulary words it is read as
    /// (`wideWordIDs`), and the words after it moved up by the extra words it makes (or down, when it
    /// makes none); and how far the words after the last moved.
    private func expandingWideWords(_ scanned: UnsafeBufferPointer<Hit>, of text: UnsafeBufferPointer<UInt8>) -> (hits: [Hit], shift: Int32) {
        var hits: [Hit] = []
        hits.reserveCapacity(scanned.count + 8)  // a wide word is seldom more than a few words
        var shift: Int32 = 0
        for entry in scanned {
            var hit = entry
            hit.position += shift
            guard entry.word < 0 else {
                hits.append(hit)
                continue
            }
            let words = wideWordIDs(text, Int(entry.start)..<Int(entry.start + entry.count))
            for (index, word) in words.enumerated() where word >= 0 {
                hits.append(Hit(position: hit.position + Int32(index), word: word, start: entry.start, count: entry.count))
            }
            shift += Int32(words.count) - 1
        }
        return (hits, shift)
    }

    /// The longest phrase at each word, in order, each skill once; their skill ids go to `skillIDs`.
    private func phraseMatches(_ hits: UnsafeBufferPointer<Hit>, skillIDs seen: UnsafeMutableBufferPointer<Int32>) -> SkillMatches {
        // The skills found so far are `seen[..<skills]`; the phrase that found each, `found[..<skills]`.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: seen.count + 1) { found in
            var skills = 0
            var start = 0
            while start < hits.count {
                var phrase = startingPhrase[Int(hits[start].word)]
                var end = start
                if phrase == Self.longerPhrases { (phrase, end) = longestPhrase(at: start, in: hits) }
                guard phrase >= 0 else {
                    start += 1
                    continue
                }
                let skill = skillOfPhrase[Int(phrase)]
                if !seen[..<skills].contains(skill) {
                    seen[skills] = skill
                    found[skills] = phrase
                    skills += 1
                }
                start = end + 1
            }
            return SkillMatches.packedOrListed(UnsafeBufferPointer(rebasing: found[..<skills]), table: phrases.current)
        }
    }

    /// The longest phrase that starts at `hits[start]` (-1 when none) and the index of its last word,
    /// walking the trie along consecutive words.
    private func longestPhrase(at start: Int, in hits: UnsafeBufferPointer<Hit>) -> (phrase: Int32, end: Int) {
        var node = rootChild[Int(hits[start].word)]
        var phrase: Int32 = -1
        var end = start
        var next = start
        while node >= 0 {
            if phraseAt[Int(node)] >= 0 {
                phrase = phraseAt[Int(node)]
                end = next
            }
            next += 1
            guard extends[Int(node)], next < hits.count, hits[next].position == hits[next - 1].position + 1 else { break }
            node = children.child(of: node, word: hits[next].word)
        }
        return (phrase, end)
    }

    /// The words that the word with non-ASCII bytes at `range` of `text` is read as, each as its
    /// vocabulary id (-1 when not in the vocabulary).
    private func wideWordIDs(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int32] {
        guard let bytes = text.baseAddress else { return [] }
        guard let pieces = WideWord.pieces(of: text, range) else {
            return Self.tokens(String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)).map { words.id(ofStem: $0) ?? -1 }
        }
        var ids: [Int32] = []
        for piece in pieces {
            if !piece.wide {
                let key = WordTable.key(bytes + piece.range.lowerBound, piece.range.count, readable: text.count - piece.range.lowerBound)
                ids.append(words.id(of: key, bytes + piece.range.lowerBound, piece.range.count))
            } else if !words.hasWideStems {
                ids.append(-1)  // a word with a non-ASCII letter is no word of an ASCII vocabulary
            } else {
                let token = String(decoding: UnsafeBufferPointer(rebasing: text[piece.range]), as: UTF8.self)
                ids += Self.tokens(token).map { words.id(ofStem: $0) ?? -1 }
            }
        }
        return ids
    }

    /// Lower-cased alphanumeric words with a light plural stem (`equations` → `equation`,
    /// `probabilities` → `probability`).
    public static func tokens(_ text: String) -> [String] {
        text.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map { stem(String($0)) }
    }

    static func stem(_ word: String) -> String {
        guard word.count > 3 else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if ["sses", "ches", "shes", "xes"].contains(where: word.hasSuffix) { return String(word.dropLast(2)) }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }
}
