import ConclaveCore

/// A two-sided confidence interval, written as `[lower, upper]` in JSON.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        lower = try container.decode(Double.self)
        upper = try container.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(lower)
        try container.encode(upper)
    }
}

/// Percentile bootstrap of a mean: resample the values with replacement `resamples` times (seeded, so
/// the same values and seed give the same interval), take each resample's mean, and read the interval
/// from the quantiles of those means (linear interpolation between order statistics). For a paired
/// comparison, pass the per-item differences: resampling them resamples the pairs.
///
/// ```swift
/// let interval = PercentileBootstrap(resamples: 1000, seed: 42).interval(ofMeanOf: [1, 0, 1, 1])
/// interval?.lower  // ≈ 0.25
/// ```
public struct PercentileBootstrap: Sendable {
    public var resamples: Int
    public var seed: UInt64
    /// The coverage of the interval, e.g. 0.95.
    public var level: Double

    public init(resamples: Int = 1000, seed: UInt64 = 42, level: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.level = level
    }

    /// The interval of the mean of `values`; nil when there are no values.
    public func interval(ofMeanOf values: [Double]) -> ConfidenceInterval? {
        guard !values.isEmpty else { return nil }
        var rng = SeededGenerator(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(max(resamples, 1))
        for _ in 0..<max(resamples, 1) {
            var sum = 0.0
            for _ in values.indices { sum += values[Int.random(in: 0..<values.count, using: &rng)] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        let tail = (1 - level) / 2
        return ConfidenceInterval(lower: Self.quantile(tail, ofSorted: means), upper: Self.quantile(1 - tail, ofSorted: means))
    }

    /// The `p` quantile of non-empty sorted values, interpolating linearly between neighbours.
    static func quantile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        let position = min(max(p, 0), 1) * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }
}
