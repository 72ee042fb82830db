import ConclaveConfig
import ConclaveCore
import ConclaveFuzz
import Foundation
import Testing

/// Seeded damage to every shipped input file, read in-process: a crash kills the suite, and every
/// rejection must be a diagnostic with a message and a position inside its file.
@Suite struct FuzzTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func mutationsAreSeededAndPure() throws {
        let seeds = try FuzzSeed.shipped(in: Self.repository) + FuzzSeed.outcomeSamples()
        for index in 0..<200 {
            let first = FuzzCase(index: index, runSeed: 9, seeds: seeds)
            let again = FuzzCase(index: index, runSeed: 9, seeds: seeds)
            #expect(first.bytes == again.bytes && first.summary == again.summary)
        }
        let kinds = Set((0..<200).map { FuzzCase(index: $0, runSeed: 9, seeds: seeds).seed.kind })
        #expect(kinds == Set(FileKind.allCases).subtracting([.profile]))
        for mutation in Mutation.allCases {
            var rng = SeededGenerator(seed: 3)
            let original = seeds[0].bytes
            #expect((0..<20).contains { _ in mutation.apply(to: original, using: &rng) != original }, "\(mutation) never changes the file")
        }
    }

    @Test func threeThousandDamagedFilesAreAcceptedOrRejectedWithDiagnostics() throws {
        let harness = try FuzzHarness(repository: Self.repository)
        defer { harness.remove() }
        var tally = FuzzTally()
        for index in 0..<3_000 {
            let fuzzCase = FuzzCase(index: index, runSeed: 20_261_123, seeds: harness.seeds)
            let outcome = harness.run(fuzzCase)
            tally.add(fuzzCase.seed.kind, outcome)
            if case .badRejection(let why) = outcome { Issue.record("case \(index), \(fuzzCase.summary): \(why)") }
        }
        #expect(tally.total.cases == 3_000)
        for kind in FileKind.allCases {
            #expect(tally.byKind[kind]?.rejected ?? 0 > 0, "no \(kind) case was rejected")
        }
        #expect(tally.total.accepted > 0)
    }
}
