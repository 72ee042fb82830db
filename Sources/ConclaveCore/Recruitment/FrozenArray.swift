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
