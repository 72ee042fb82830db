/// The deeper edges of the lexical matcher's phrase trie, (node, word id) → child node, in an
/// open-addressing table with a multiplicative hash: a lookup is a few instructions, where a
/// `[UInt64: Int32]` would run SipHash on every adjacent pair of vocabulary words in a question.
///
/// ```swift
/// let edges = TrieEdges([TrieEdges.key(node: 3, word: 7): 4])
/// edges.child(of: 3, word: 7)   // 4
/// edges.child(of: 3, word: 8)   // -1
/// ```
struct TrieEdges: Sendable {
    private let keys: [UInt64]
    /// The child at each slot; -1 where the slot is empty.
    private let children: [Int32]
    private let mask: Int

    init(_ edges: [UInt64: Int32]) {
        var capacity = 16
        while capacity < edges.count * 2 { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var children = [Int32](repeating: -1, count: capacity)
        for (key, child) in edges {
            var slot = Self.slot(key, capacity - 1)
            while children[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            children[slot] = child
        }
        self.keys = keys
        self.children = children
        self.mask = capacity - 1
    }

    static func key(node: Int32, word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: word))
    }

    /// The child of `node` along `word`, or -1 when there is none.
    @inline(__always)
    func child(of node: Int32, word: Int32) -> Int32 {
        let key = Self.key(node: node, word: word)
        var slot = Self.slot(key, mask)
        while true {
            let child = children[slot]
            if child < 0 || keys[slot] == key { return child }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
