/// Plain values (numbers, indices) that a long-lived object (a recruiter, a matcher) reads for every
/// decision, in memory allocated once and never written again. Reading them takes no reference count
/// and no bounds check, so the cores deciding at once do not contend for one counter; the owner frees
/// them in its `deinit`.
///
/// ```swift
/// let strengths = FrozenArray([0.2, 0.8])
/// strengths[1]        // 0.8
/// strengths.free()    // once, by the owner
/// ```
struct FrozenArray<Element: BitwiseCopyable>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Element>

    init(_ values: [Element]) {
        buffer = .allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
        count = values.count
    }

    let count: Int

    @inline(__always)
    subscript(index: Int) -> Element { buffer[index] }

    /// Gives the memory back; the owner calls it once, when it goes.
    func free() { buffer.deallocate() }
}

extension FrozenArray where Element == Double {
    /// Adds up the rows `rows` of this table, read as rows of `width` numbers, into `sums` (`width`
    /// places): four places at a time in vector registers, each row read once, the rest one by one.
    ///
    /// ```swift
    /// let table = FrozenArray<Double>([1, 2, 3, 4, 5, 6])  // rows [1, 2, 3] and [4, 5, 6]
    /// [0, 1].withUnsafeBufferPointer { rows in table.sumRows(rows, width: 3, into: sums) }  // sums: [5, 7, 9]
    /// ```
    func sumRows(_ rows: UnsafeBufferPointer<Int>, width: Int, into sums: UnsafeMutableBufferPointer<Double>) {
        guard let table = buffer.baseAddress, let out = sums.baseAddress else { return }
        var place = 0
        while place + 4 <= width {
            var sum = SIMD4<Double>()
            for row in rows { sum += UnsafeRawPointer(table + row * width + place).loadUnaligned(as: SIMD4<Double>.self) }
            UnsafeMutableRawPointer(out + place).storeBytes(of: sum, as: SIMD4<Double>.self)
            place += 4
        }
        while place < width {
            var sum = 0.0
            for row in rows { sum += table[row * width + place] }
            out[place] = sum
            place += 1
        }
    }
}
