/// Finds registry skills in an instance's text by matching skill names and aliases as word n-grams, after
/// lower-casing and light plural stemming. It needs no model, so it serves offline and as the default.
///
/// The vocabulary's phrases form a trie over word ids, and the text is read once as UTF-8 bytes, 64 at
/// a time (`WordBoundaries`): an ASCII word is looked up as written among the forms that stem to a
/// vocabulary word (`WordTable`), without building a `String`; only a word with non-ASCII characters goes
/// through `tokens(_:)`. The result is the same as tokenizing the whole text with `tokens(_:)` and
/// matching the longest phrase at each word.
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

    /// A vocabulary word found in the text, at its word position.
    private struct Hit {
        var position: Int32
        var word: Int32
    }

    private let words: WordTable
    /// The phrase trie: the root's child for each word id (-1 when none), then (node << 32 | word id) →
    /// child node for the deeper edges; node 0 is the root.
    private let rootChild: FrozenArray<Int32>
    private let children: TrieEdges
    /// The phrase that ends at each node, as an index into `phrases`; -1 where none ends.
    private let phraseAt: FrozenArray<Int32>
    /// Whether a longer phrase goes on from each node (a deeper edge leaves it).
    private let extends: FrozenArray<Bool>
    private let phrases: [SkillMatch]
    /// The skill of each phrase, as an index into `skillNames`.
    private let skillOfPhrase: FrozenArray<Int32>
    /// The distinct skills of the vocabulary, in order of declaration: a match's skill id is its index here.
    let skillNames: [String]

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
        self.words = table.table
        var rootChild: [Int32] = []
        for (key, child) in children where key >> 32 == 0 {
            let word = Int(key & 0xFFFF_FFFF)
            if word >= rootChild.count { rootChild += [Int32](repeating: -1, count: word + 1 - rootChild.count) }
            rootChild[word] = child
        }
        self.rootChild = FrozenArray(rootChild)
        self.children = TrieEdges(children.filter { $0.key >> 32 != 0 })
        var extends = [Bool](repeating: false, count: phraseAt.count)
        for key in children.keys { extends[Int(key >> 32)] = true }
        self.extends = FrozenArray(extends)
        self.phraseAt = FrozenArray(phraseAt)
        self.phrases = phrases
        self.skillOfPhrase = FrozenArray(skillOfPhrase)
        self.skillNames = skillNames
    }

    deinit {
        rootChild.free()
        phraseAt.free()
        extends.free()
        skillOfPhrase.free()
    }

    /// The skills found in `text`, each once, in order of first appearance; longer phrases win over the
    /// shorter ones they contain.
    public func match(_ text: String) -> [SkillMatch] { match(text, then: []) }

    /// The skills found in `text` followed by `more`, read as one text joined by spaces (a phrase may
    /// span two parts), without joining them.
    public func match(_ text: String, then more: [String]) -> [SkillMatch] {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: skillNames.count) { match(text, then: more, skillIDs: $0) }
    }

    /// `match(_:then:)`, writing each match's skill id (its index in `skillNames`) to `skillIDs`, which
    /// has room for every skill of the vocabulary.
    func match(_ text: String, then more: [String], skillIDs: UnsafeMutableBufferPointer<Int32>) -> [SkillMatch] {
        // A word takes at least one byte and a separator, so a part of n bytes has at most (n + 1) / 2.
        var bound = (text.utf8.count + 1) / 2
        for part in more { bound += (part.utf8.count + 1) / 2 }
        return withUnsafeTemporaryAllocation(of: Hit.self, capacity: bound + 1) { hits in
            var count = 0
            var position: Int32 = 0
            scan(text, position: &position, into: hits, count: &count)
            for part in more { scan(part, position: &position, into: hits, count: &count) }
            return phraseMatches(UnsafeBufferPointer(rebasing: hits[..<count]), skillIDs: skillIDs)
        }
    }

    /// The longest phrase at each word, in order, each skill once; their skill ids go to `skillIDs`.
    private func phraseMatches(_ hits: UnsafeBufferPointer<Hit>, skillIDs seen: UnsafeMutableBufferPointer<Int32>) -> [SkillMatch] {
        // The skills found so far are `seen[..<skills]`; the phrase that found each, `found[..<skills]`.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: seen.count + 1) { found in
            var skills = 0
            var start = 0
            while start < hits.count {
                var node = Int(hits[start].word) < rootChild.count ? rootChild[Int(hits[start].word)] : -1
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
            return found[..<skills].map { phrases[Int($0)] }
        }
    }

    /// Reads one part's words, numbering them from `position`, and writes those in the vocabulary to
    /// `hits` from `count` on. The ASCII words that may be in the vocabulary are gathered first, without
    /// a branch per word, then looked up.
    private func scan(_ text: String, position: inout Int32, into hits: UnsafeMutableBufferPointer<Hit>, count: inout Int) {
        var text = text
        text.withUTF8 { utf8 in
            guard let bytes = utf8.baseAddress else { return }
            let text = (bytes: bytes, count: utf8.count)
            withUnsafeTemporaryAllocation(of: Candidate.self, capacity: (utf8.count + 1) / 2 + 1) { candidates in
                let prefilter = words.prefilter
                var gathered = 0
                // The next word's position, kept in a register rather than written to the caller's memory
                // at every word.
                var next = position
                defer { position = next }
                /// Keeps the ASCII word at `range` as a candidate when it may be in the vocabulary.
                @inline(__always) func gather(_ range: Range<Int>) {
                    let key = WordTable.key(bytes + range.lowerBound, range.count, readable: text.count - range.lowerBound)
                    candidates[gathered] = Candidate(start: Int32(range.lowerBound), count: Int32(range.count), position: next, key: key)
                    next += 1
                    gathered += prefilter.mayHold(key)
                }
                var boundaries = WordBoundaries(utf8)
                while let (range, ascii) = boundaries.next() {
                    if ascii {
                        gather(range)
                    } else if let pieces = WordBoundaries.asciiPieces(of: utf8, range) {
                        for piece in pieces { gather(piece) }
                    } else {
                        for token in Self.tokens(String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self)) {
                            if let word = words.id(ofStem: token) {
                                // Looked up at once: it goes before the candidates gathered after it.
                                lookUp(candidates[..<gathered], text, into: hits, count: &count)
                                gathered = 0
                                hits[count] = Hit(position: next, word: word)
                                count += 1
                            }
                            next += 1
                        }
                    }
                }
                lookUp(candidates[..<gathered], text, into: hits, count: &count)
            }
        }
    }

    /// A word of the text: where its bytes are, and its word position.
    private struct Candidate {
        var start: Int32
        var count: Int32
        var position: Int32
        var key: WordTable.Key
    }

    /// Writes the candidates that are in the vocabulary to `hits` from `count` on.
    private func lookUp(
        _ candidates: Slice<UnsafeMutableBufferPointer<Candidate>>,
        _ text: (bytes: UnsafePointer<UInt8>, count: Int),
        into hits: UnsafeMutableBufferPointer<Hit>,
        count: inout Int
    ) {
        var found = count
        for candidate in candidates {
            let word = words.id(of: candidate.key, text.bytes + Int(candidate.start), Int(candidate.count))
            hits[found] = Hit(position: candidate.position, word: word)
            found += word >= 0 ? 1 : 0
        }
        count = found
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
