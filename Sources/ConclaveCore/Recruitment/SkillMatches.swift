/// The skills matched in one instance (`Decision.skills`): a collection of `SkillMatch`, in order of first
/// appearance, that reads, compares and encodes like `[SkillMatch]`.
///
/// What the lexical matcher finds is held as its phrases' indices, with the calling thread's copy of the
/// matcher's phrases that they index: 12 bits each, packed into two integers (up to `packedCapacity` of
/// them), else in an array of indices. A fresh decision, and the scores that keep its skills, then own no
/// array of matches: no allocation while deciding (for most questions), no strings to retain, and one
/// object fewer to free, long after, when its window is let go of; and the decision maker reads each
/// skill's place in its tables by phrase index. Any other list of matches is held as an array.
///
/// ```swift
/// let skills: SkillMatches = [.init(skill: "algebra", term: "equation")]
/// skills.map(\.skill)  // ["algebra"]
/// ```
public struct SkillMatches: RandomAccessCollection, Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    public typealias SkillMatch = LexicalSkillMatcher.SkillMatch

    private enum Storage: Sendable {
        case list([SkillMatch])
        /// Phrase i in bits 12 × (i % 5) of `words.0` (i < 5) or `words.1`; the count in the top 4 bits of
        /// `words.0`.
        case phrases(words: (UInt64, UInt64), table: [SkillMatch])
        /// More phrases than pack: their indices into `table`.
        case phraseList([Int32], table: [SkillMatch])
    }

    private var storage: Storage

    /// The most matches held packed.
    static let packedCapacity = 10
    /// Phrases whose index fits in a packed slot.
    static let packedPhrases = 1 << bits
    private static let bits = 12
    private static let perWord = 5
    private static let mask: UInt64 = (1 << 12) - 1

    public init(_ matches: [SkillMatch]) { storage = .list(matches) }

    public init(arrayLiteral elements: SkillMatch...) { self.init(elements) }

    /// The matches `table[phrases[i]]`, packed; nil when they do not pack (more than `packedCapacity`, or
    /// an index past `packedPhrases`).
    init?(phrases: UnsafeBufferPointer<Int32>, table: [SkillMatch]) {
        guard let words = Self.packed(phrases) else { return nil }
        storage = .phrases(words: words, table: table)
    }

    /// The matches `table[phrases[i]]` (every index in `table`): packed where they pack, else as an
    /// array of the indices. The table is taken, not copied, so that the result costs no reference count
    /// of its own.
    static func packedOrListed(_ phrases: UnsafeBufferPointer<Int32>, table: consuming [SkillMatch]) -> SkillMatches {
        guard let words = packed(phrases) else { return SkillMatches(storage: .phraseList(Array(phrases), table: table)) }
        return SkillMatches(storage: .phrases(words: words, table: table))
    }

    private init(storage: consuming Storage) { self.storage = storage }

    /// The words that hold `phrases`, with their count; nil when they do not pack.
    private static func packed(_ phrases: UnsafeBufferPointer<Int32>) -> (UInt64, UInt64)? {
        guard phrases.count <= packedCapacity else { return nil }
        var words: (UInt64, UInt64) = (UInt64(phrases.count) << 60, 0)
        for (index, phrase) in phrases.enumerated() {
            guard (0..<Int32(packedPhrases)).contains(phrase) else { return nil }
            let bits = UInt64(phrase) << (Self.bits * (index % perWord))
            if index < perWord { words.0 |= bits } else { words.1 |= bits }
        }
        return words
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .list(let list): list.count
        case .phrases(let words, _): Int(words.0 >> 60)
        case .phraseList(let phrases, _): phrases.count
        }
    }

    public subscript(position: Int) -> SkillMatch {
        switch storage {
        case .list(let list): return list[position]
        case .phrases(let words, let table):
            precondition((0..<Int(words.0 >> 60)).contains(position), "index out of range")
            return table[Self.phrase(position, in: words)]
        case .phraseList(let phrases, let table): return table[Int(phrases[position])]
        }
    }

    /// The phrase index of match `position` in the matcher that found it; nil when the matches are
    /// listed.
    func phraseIndex(at position: Int) -> Int? {
        switch storage {
        case .list: nil
        case .phrases(let words, _): Self.phrase(position, in: words)
        case .phraseList(let phrases, _): Int(phrases[position])
        }
    }

    private static func phrase(_ position: Int, in words: (UInt64, UInt64)) -> Int {
        let word = position < perWord ? words.0 : words.1
        return Int((word >> UInt64(bits * (position % perWord))) & mask)
    }

    /// Calls `body` with the matches' phrase table and a reader of each match's phrase index; nil,
    /// without calling it, when the matches are listed.
    private func withPhrases<Result>(_ body: ([SkillMatch], (Int) -> Int32) -> Result) -> Result? {
        switch storage {
        case .list: nil
        case .phrases(let words, let table): body(table) { Int32(Self.phrase($0, in: words)) }
        case .phraseList(let phrases, let table): body(table) { phrases[$0] }
        }
    }

    /// The matches at the offsets `keep` accepts, in order; matches held as phrase indices stay so.
    func filter(offsets keep: (Int) -> Bool) -> SkillMatches {
        let kept = withPhrases { table, phrase in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { kept in
                var count = 0
                for position in indices where keep(position) {
                    kept[count] = phrase(position)
                    count += 1
                }
                return Self.packedOrListed(UnsafeBufferPointer(rebasing: kept[..<count]), table: table)
            }
        }
        return kept ?? SkillMatches(indices.filter(keep).map { self[$0] })
    }

    /// These matches followed by those of `other` at the offsets `keep` accepts (asked once each, in
    /// order); they stay phrase indices when both are phrase indices into one table.
    func appending(_ other: SkillMatches, offsets keep: (Int) -> Bool) -> SkillMatches {
        let kept = other.indices.filter(keep)
        func listed() -> SkillMatches { SkillMatches(Array(self) + kept.map { other[$0] }) }
        let joined = withPhrases { table, phrase in
            other.withPhrases { otherTable, otherPhrase in
                guard table.withUnsafeBufferPointer({ $0.baseAddress }) == otherTable.withUnsafeBufferPointer({ $0.baseAddress }) else {
                    return listed()
                }
                return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + kept.count) { all in
                    for position in indices { all[position] = phrase(position) }
                    for (offset, position) in kept.enumerated() { all[count + offset] = otherPhrase(position) }
                    return Self.packedOrListed(UnsafeBufferPointer(rebasing: all[..<(count + kept.count)]), table: table)
                }
            } ?? listed()
        }
        return joined ?? listed()
    }

    public static func == (lhs: SkillMatches, rhs: SkillMatches) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for match in self { hasher.combine(match) }
    }

    /// Stored as a JSON array of matches, as `[SkillMatch]` was.
    public init(from decoder: any Decoder) throws { self.init(try [SkillMatch](from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }
}
