/// Numbers that a long-lived object (a recruiter) reads for every decision, in memory allocated once and
/// never written again. Reading them takes no reference count, so the cores deciding at once do not
/// contend for one counter; the owner frees them in its `deinit`.
///
/// ```swift
/// let strengths = FrozenNumbers([0.2, 0.8])
/// strengths[1]        // 0.8
/// strengths.free()    // once, by the owner
/// ```
struct FrozenNumbers: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Double>

    init(_ values: [Double]) {
        buffer = .allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
    }

    @inline(__always)
    subscript(index: Int) -> Double { buffer[index] }

    /// Gives the memory back; the owner calls it once, when it goes.
    func free() { buffer.deallocate() }
}
