import Dispatch
import Foundation

extension Array {
    /// `map` spread over the machine's cores: contiguous chunks (`MapPartition`), handed to the cores as
    /// they come free (so a core that drew slow elements does not hold the others up); order is kept. For
    /// pure per-element work over many elements (a window's decisions, grades, encoded records); small
    /// arrays are mapped in place.
    ///
    /// ```swift
    /// let decisions = window.concurrentMap { decider.decide(for: $0) }
    /// ```
    @inlinable
    public func concurrentMap<T>(_ transform: (Element) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, count >= 64 else { return map(transform) }
        let partition = MapPartition(elements: count, cores: cores)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            withoutActuallyEscaping(transform) { transform in
                self.withUnsafeBufferPointer { source in
                    // Each part writes its own disjoint range of `buffer`, reading only `source`.
                    nonisolated(unsafe) let (base, source, transform) = (buffer.baseAddress!, source, transform)
                    DispatchQueue.concurrentPerform(iterations: partition.parts) { part in
                        for index in partition.range(of: part) {
                            (base + index).initialize(to: transform(source[index]))
                        }
                    }
                }
            }
            initialized = count
        }
    }
}

/// How `concurrentMap` cuts its elements into contiguous parts: about 32 per core, of at least 32
/// elements each, so that when one core runs out of parts the others are at most one short part from the
/// end. Every part holds at least one element, and together they hold each element once.
///
/// ```swift
/// let partition = MapPartition(elements: 10_000, cores: 2)  // 64 parts of 157 (the last of 109)
/// partition.range(of: 63)  // 9891..<10000
/// ```
@usableFromInline
struct MapPartition: Sendable {
    @usableFromInline let elements: Int
    /// Elements per part (the last part may hold fewer).
    @usableFromInline let size: Int
    @usableFromInline let parts: Int

    @inlinable
    init(elements: Int, cores: Int) {
        let wanted = Swift.max(1, Swift.min(cores * 32, elements / 32))
        self.elements = elements
        size = Swift.max(1, (elements + wanted - 1) / wanted)
        // Counted from the size, so that no part starts past the end.
        parts = (elements + size - 1) / size
    }

    /// The elements of `part` (0 ..< `parts`).
    @inlinable
    func range(of part: Int) -> Range<Int> { part * size..<Swift.min(part * size + size, elements) }
}
