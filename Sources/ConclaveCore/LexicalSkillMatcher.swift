/// Finds registry skills in an instance's text by matching skill names and aliases as word n-grams, after
/// lower-casing and light plural stemming. It needs no model, so it serves offline and as the default.
///
/// The vocabulary's phrases form a trie over word ids, and the text is read once as UTF-8 bytes: an ASCII
/// word is lower-cased and stemmed in a small buffer and looked up without building a `String`; only a
/// word with non-ASCII characters goes through `tokens(_:)`. The result is the same as tokenizing the
/// whole text with `tokens(_:)` and matching the longest phrase at each word.
///
/// ```swift
/// let matcher = LexicalSkillMatcher(skills: registry.skills)
/// matcher.match("Solve the equation 2x + 3 = 7")  // [SkillMatch(skill: "algebra", term: "equation")]
/// ```
public struct LexicalSkillMatcher: Sendable {
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
    /// The phrase trie: (node << 32 | word id) → child node; node 0 is the root.
    private let children: [UInt64: Int32]
    /// The phrase that ends at each node, as an index into `phrases`; -1 where none ends.
    private let phraseAt: [Int32]
    private let phrases: [SkillMatch]
    /// The skill of each phrase, as an index into the distinct skill names.
    private let skillOfPhrase: [Int32]
    /// The longest word the table holds, plus the bytes a plural ending may add.
    private let longestWord: Int

    public init(skills: [Skill]) {
        var table = WordTable.Builder()
        var children: [UInt64: Int32] = [:]
        var phraseAt: [Int32] = [-1]
        var phrases: [SkillMatch] = []
        var skillOfPhrase: [Int32] = []
        var skillIndex: [String: Int32] = [:]
        var longest = 0
        for skill in skills {
            for term in [skill.name] + skill.aliases {
                let tokens = Self.tokens(term)
                guard !tokens.isEmpty else { continue }
                var node: Int32 = 0
                for token in tokens {
                    longest = max(longest, token.utf8.count)
                    let key = Self.edge(node, table.insert(token))
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
                skillIndex[skill.name] = index
                skillOfPhrase.append(index)
            }
        }
        self.words = table.table
        self.children = children
        self.phraseAt = phraseAt
        self.phrases = phrases
        self.skillOfPhrase = skillOfPhrase
        self.longestWord = longest + 2
    }

    /// The skills found in `text`, each once, in order of first appearance; longer phrases win over the
    /// shorter ones they contain.
    public func match(_ text: String) -> [SkillMatch] { match(text, then: []) }

    /// The skills found in `text` followed by `more`, read as one text joined by spaces (a phrase may
    /// span two parts), without joining them.
    public func match(_ text: String, then more: [String]) -> [SkillMatch] {
        var hits: [Hit] = []
        var position: Int32 = 0
        scan(text, position: &position, into: &hits)
        for part in more { scan(part, position: &position, into: &hits) }
        return phraseMatches(hits)
    }

    /// The longest phrase at each word, in order, each skill once.
    private func phraseMatches(_ hits: [Hit]) -> [SkillMatch] {
        var found: [SkillMatch] = []
        var seen: [Int32] = []
        var start = 0
        while start < hits.count {
            var node: Int32 = 0
            var phrase: Int32 = -1
            var end = start
            var next = start
            while next < hits.count, next == start || hits[next].position == hits[next - 1].position + 1,
                let child = children[Self.edge(node, hits[next].word)]
            {
                node = child
                if phraseAt[Int(node)] >= 0 {
                    phrase = phraseAt[Int(node)]
                    end = next
                }
                next += 1
            }
            guard phrase >= 0 else {
                start += 1
                continue
            }
            let skill = skillOfPhrase[Int(phrase)]
            if !seen.contains(skill) {
                seen.append(skill)
                found.append(phrases[Int(phrase)])
            }
            start = end + 1
        }
        return found
    }

    /// Reads one part's words, numbering them from `position`, and keeps those in the vocabulary.
    private func scan(_ text: String, position: inout Int32, into hits: inout [Hit]) {
        var text = text
        let capacity = longestWord
        text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte < 0x80, !Self.isWordByte(byte) {
                        index += 1
                        continue
                    }
                    var end = index
                    var ascii = true
                    while end < bytes.count {
                        let next = bytes[end]
                        if next < 0x80 {
                            if !Self.isWordByte(next) { break }
                        } else {
                            ascii = false
                        }
                        end += 1
                    }
                    if ascii {
                        if let word = asciiWord(bytes, index..<end, buffer: buffer) { hits.append(Hit(position: position, word: word)) }
                        position += 1
                    } else {
                        for token in Self.tokens(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)) {
                            if let word = words.id(of: token) { hits.append(Hit(position: position, word: word)) }
                            position += 1
                        }
                    }
                    index = end
                }
            }
        }
    }

    /// The id of an ASCII word, lower-cased and stemmed in `buffer`; nil when it is not in the vocabulary.
    private func asciiWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, buffer: UnsafeMutableBufferPointer<UInt8>) -> Int32? {
        guard range.count <= buffer.count else { return nil }
        for offset in 0..<range.count {
            let byte = bytes[range.lowerBound + offset]
            buffer[offset] = byte >= 65 && byte <= 90 ? byte + 32 : byte
        }
        let length = Self.stemmedLength(buffer, count: range.count)
        return words.id(of: UnsafeBufferPointer(rebasing: buffer[0..<length]))
    }

    /// `stem(_:)` on an ASCII word held in `word[0..<count]`: returns the stem's length, writing the `y` of
    /// an `-ies` plural.
    private static func stemmedLength(_ word: UnsafeMutableBufferPointer<UInt8>, count: Int) -> Int {
        guard count > 3 else { return count }
        func ends(_ suffix: StaticString) -> Bool {
            let length = suffix.utf8CodeUnitCount
            guard count >= length else { return false }
            let start = suffix.utf8Start
            for offset in 0..<length where word[count - length + offset] != start[offset] { return false }
            return true
        }
        if ends("ies") {
            word[count - 3] = UInt8(ascii: "y")
            return count - 2
        }
        if ends("sses") || ends("ches") || ends("shes") || ends("xes") { return count - 2 }
        if ends("s"), !ends("ss"), !ends("us"), !ends("is") { return count - 1 }
        return count
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func edge(_ node: Int32, _ word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: word))
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
