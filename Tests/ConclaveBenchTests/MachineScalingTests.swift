import Testing

@testable import conclave_bench

/// The loop the recruit benchmark measures the machine's own scaling with: the same count and seed give
/// the same result, another seed another; and a measurement is a positive, finite ratio.
@Suite struct MachineScalingTests {
    @Test func theLoopIsDeterministicAndDependsOnItsSeed() {
        #expect(MachineScaling.spin(1_000, seed: 1) == MachineScaling.spin(1_000, seed: 1))
        #expect(MachineScaling.spin(1_000, seed: 1) != MachineScaling.spin(1_000, seed: 2))
        #expect(MachineScaling.spin(1_000, seed: 1) != MachineScaling.spin(2_000, seed: 1))
    }

    @Test func aMeasurementIsAPositiveRatio() {
        let scaling = MachineScaling.measure(cores: 2, iterations: 400_000)
        #expect(scaling.isFinite)
        #expect(scaling > 0)
    }
}
