import Dispatch
import Foundation

extension Array {
    /// `map` spread over the machine's cores: contiguous chunks, eight per core, handed to the cores as
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
        let parts = Swift.min(cores * 8, count / 32)
        let size = (count + parts - 1) / parts
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            withoutActuallyEscaping(transform) { transform in
                self.withUnsafeBufferPointer { source in
                    // Each part writes its own disjoint range of `buffer`, reading only `source`.
                    nonisolated(unsafe) let (base, source, transform) = (buffer.baseAddress!, source, transform)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        for index in part * size..<Swift.min(part * size + size, source.count) {
                            (base + index).initialize(to: transform(source[index]))
                        }
                    }
                }
            }
            initialized = count
        }
    }
}
