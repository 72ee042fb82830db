/// The skills matched in one instance (`Decision.skills`): a collection of `SkillMatch`, in order of first
/// appearance, that reads, compares and encodes like `[SkillMatch]`.
///
/// What the lexical matcher finds is held as its phrases' indices, 12 bits each, packed into two integers
/// (up to `packedCapacity` of them), with the calling thread's copy of the matcher's phrases that they
/// index. A fresh decision, and the scores that keep its skills, then own no array of matches: one
/// allocation fewer while deciding, and one object fewer to free, long after, when its window is let go
/// of. Any other list of matches is held as an array.
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

    /// The matches `table[phrases[i]]`: packed where they pack, else listed. The table is taken, not
    /// copied, so that a packed result costs no reference count of its own.
    static func packedOrListed(_ phrases: UnsafeBufferPointer<Int32>, table: consuming [SkillMatch]) -> SkillMatches {
        guard let words = packed(phrases) else { return SkillMatches(phrases.map { table[Int($0)] }) }
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
        }
    }

    public subscript(position: Int) -> SkillMatch {
        switch storage {
        case .list(let list): return list[position]
        case .phrases(let words, let table):
            precondition((0..<Int(words.0 >> 60)).contains(position), "index out of range")
            return table[Self.phrase(position, in: words)]
        }
    }

    private static func phrase(_ position: Int, in words: (UInt64, UInt64)) -> Int {
        let word = position < perWord ? words.0 : words.1
        return Int((word >> UInt64(bits * (position % perWord))) & mask)
    }

    /// The matches at the offsets `keep` accepts, in order; packed matches stay packed.
    func filter(offsets keep: (Int) -> Bool) -> SkillMatches {
        switch storage {
        case .list(let list):
            return SkillMatches(list.indices.filter(keep).map { list[$0] })
        case .phrases(let words, let table):
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.packedCapacity) { kept in
                var count = 0
                for position in indices where keep(position) {
                    kept[count] = Int32(Self.phrase(position, in: words))
                    count += 1
                }
                return Self.packedOrListed(UnsafeBufferPointer(rebasing: kept[..<count]), table: table)
            }
        }
    }

    /// These matches followed by those of `other` at the offsets `keep` accepts (asked once each, in
    /// order); they stay packed when both are packed from one table and the whole fits.
    func appending(_ other: SkillMatches, offsets keep: (Int) -> Bool) -> SkillMatches {
        let kept = other.indices.filter(keep)
        if case .phrases(let words, let table) = storage, case .phrases(let otherWords, let otherTable) = other.storage,
            count + kept.count <= Self.packedCapacity,
            table.withUnsafeBufferPointer({ $0.baseAddress }) == otherTable.withUnsafeBufferPointer({ $0.baseAddress })
        {
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.packedCapacity) { all in
                for position in indices { all[position] = Int32(Self.phrase(position, in: words)) }
                for (offset, position) in kept.enumerated() { all[count + offset] = Int32(Self.phrase(position, in: otherWords)) }
                return Self.packedOrListed(UnsafeBufferPointer(rebasing: all[..<(count + kept.count)]), table: table)
            }
        }
        return SkillMatches(Array(self) + kept.map { other[$0] })
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
