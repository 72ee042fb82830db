import Testing

@testable import ConclaveCore
@testable import ConclaveEvaluation

/// Percentile bootstrap intervals on samples whose answer is known.
@Suite struct BootstrapTests {
    let bootstrap = PercentileBootstrap(resamples: 2000, seed: 7)

    @Test func aConstantSampleHasADegenerateInterval() {
        #expect(bootstrap.interval(ofMeanOf: Array(repeating: 1, count: 50)) == ConfidenceInterval(lower: 1, upper: 1))
        #expect(bootstrap.interval(ofMeanOf: Array(repeating: 0, count: 50)) == ConfidenceInterval(lower: 0, upper: 0))
        #expect(bootstrap.interval(ofMeanOf: []) == nil)
    }

    /// 400 fair coin flips, half right: the mean's standard error is 0.5 / √400 = 0.025, so the 95%
    /// interval is about 0.5 ± 1.96 × 0.025 = [0.451, 0.549].
    @Test func aHalfRightSampleGivesTheNormalWidthAroundOneHalf() throws {
        let interval = try #require(bootstrap.interval(ofMeanOf: (0..<400).map { Double($0 % 2) }))
        #expect(abs(interval.lower - 0.451) < 0.01)
        #expect(abs(interval.upper - 0.549) < 0.01)
        #expect(interval.contains(0.5))
        #expect(bootstrap.interval(ofMeanOf: (0..<400).map { Double($0 % 2) }) == interval)  // seeded
    }

    /// Paired differences: 30 of 100 questions won, 10 lost, the rest tied; the mean difference is 0.2 and
    /// its standard error ≈ √((0.4 − 0.04) / 100) = 0.06, so the interval is about [0.08, 0.32].
    @Test func pairedDifferencesResampleThePairs() throws {
        let differences = Array(repeating: 1.0, count: 30) + Array(repeating: -1.0, count: 10) + Array(repeating: 0.0, count: 60)
        let interval = try #require(bootstrap.interval(ofMeanOf: differences))
        #expect(abs(interval.lower - 0.082) < 0.02 && abs(interval.upper - 0.318) < 0.02)
        #expect(interval.lower > 0)
    }

    @Test func quantilesInterpolateBetweenOrderStatistics() {
        #expect(PercentileBootstrap.quantile(0.5, ofSorted: [0, 1]) == 0.5)
        #expect(PercentileBootstrap.quantile(0, ofSorted: [2, 3, 4]) == 2)
        #expect(PercentileBootstrap.quantile(1, ofSorted: [2, 3, 4]) == 4)
        #expect(PercentileBootstrap.quantile(0.25, ofSorted: [7]) == 7)
    }
}
