import ConclaveCore

/// How the selected configuration's figures move when the seeded parts of an evaluation (folds, inner
/// folds, symbolic draws, bootstrap) are drawn again with seeds seed, seed + 1, …
public struct RoutingSeedSpread: Sendable, Codable {
    /// Mean, sample standard deviation and range of one figure over the seeds.
    public struct Spread: Sendable, Codable, Hashable {
        public var mean: Double
        public var sd: Double
        public var min: Double
        public var max: Double

        /// Nil for no values; the standard deviation of one value is 0.
        public init?(_ values: [Double]) {
            guard let low = values.min(), let high = values.max() else { return nil }
            let mean = values.reduce(0, +) / Double(values.count)
            let squares = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            self.mean = mean
            sd = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
            min = low
            max = high
        }
    }

    public var seeds: [UInt64]
    /// The selected configuration's name under each seed.
    public var names: [String]
    public var accuracy: Spread
    public var relativeCost: Spread
    public var differenceFromBestSingle: Spread
    /// How many seeds found the selection beating the best single model.
    public var beatsBestSingle: Int

    /// Nil when there are no reports.
    public init?(_ reports: [RoutingEvaluation.Report]) {
        let selected = reports.map(\.selected)
        guard let accuracy = Spread(selected.map(\.accuracy)), let relativeCost = Spread(selected.map(\.relativeCost)),
            let difference = Spread(selected.map(\.differenceFromBestSingle))
        else { return nil }
        seeds = reports.map(\.seed)
        names = selected.map(\.name)
        self.accuracy = accuracy
        self.relativeCost = relativeCost
        differenceFromBestSingle = difference
        beatsBestSingle = selected.filter(\.beatsBestSingle).count
    }
}
