import Testing

@testable import ConclaveCore

@Suite struct StrengthNormalizerTests {
    @Test func squaresAndNormalisesNonNegativeStrengthsAtHalfTemperature() {
        let result = StrengthNormalizer(temperature: 0.5).normalize([1, 2, 3])
        #expect(result.map { ($0 * 14).rounded() } == [1, 4, 9])
    }

    @Test func shiftsSoTheMinimumIsOneWhenAnyIsNegative() {
        // [-2, 0, 3] → [1, 3, 6] → squared [1, 9, 36] → / 46
        let result = StrengthNormalizer(temperature: 0.5).normalize([-2, 0, 3])
        #expect(abs(result[0] - 1.0 / 46) < 1e-12)
        #expect(abs(result[1] - 9.0 / 46) < 1e-12)
        #expect(abs(result[2] - 36.0 / 46) < 1e-12)
    }

    @Test func temperatureOneKeepsProportions() {
        let result = StrengthNormalizer(temperature: 1).normalize([1, 3])
        #expect(result == [0.25, 0.75])
    }

    @Test func allZeroIsUniformAndEmptyIsEmpty() {
        #expect(StrengthNormalizer().normalize([0, 0, 0, 0]) == [0.25, 0.25, 0.25, 0.25])
        #expect(StrengthNormalizer().normalize([]).isEmpty)
    }

    @Test func sumsToOne() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<200 {
            let strengths = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Double(Int.random(in: -20...20, using: &rng)) }
            let total = StrengthNormalizer().normalize(strengths).reduce(0, +)
            #expect(abs(total - 1) < 1e-9)
        }
    }

    @Test func anyTemperatureIsSafe() {
        for temperature in [0, -1, .nan, .infinity, -.infinity, 1e-300, 1e300] as [Double] {
            let normalizer = StrengthNormalizer(temperature: temperature)
            #expect((0.01...100).contains(normalizer.temperature))
            #expect(normalizer.normalize([-2, 0, 3]).allSatisfy { !$0.isNaN })
        }
    }
}
