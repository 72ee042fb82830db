import ConclaveCore

/// One fuzz case: a seed file and the mutations applied to it, decided by the run's seed and the case's
/// index alone, so any case can be rerun by itself.
public struct FuzzCase: Sendable {
    public var index: Int
    public var seed: FuzzSeed
    public var mutations: [Mutation]
    /// The damaged file.
    public var bytes: [UInt8]

    /// Case `index` of a run seeded with `runSeed`: a kind of file, one of its seeds, one to three mutations.
    public init(index: Int, runSeed: UInt64, seeds: [FuzzSeed]) {
        var rng = SeededGenerator(seed: runSeed, instanceID: "fuzz-case-\(index)")
        let kinds = FileKind.allCases.filter { kind in seeds.contains { $0.kind == kind } }
        let kind = kinds.randomElement(using: &rng)!
        self.index = index
        seed = seeds.filter { $0.kind == kind }.randomElement(using: &rng)!
        mutations = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Mutation.allCases.randomElement(using: &rng)! }
        bytes = mutations.reduce(seed.bytes) { bytes, mutation in mutation.apply(to: bytes, using: &rng) }
    }

    /// `Agents/smollm2-judge.yaml (hugeNumber, truncate)`.
    public var summary: String { "\(seed.path) (\(mutations.map(\.rawValue).joined(separator: ", ")))" }
}
