import Dispatch
import Foundation

/// What the machine's cores give when nothing is shared: a loop of integer arithmetic in registers (no
/// memory written, no lock, no allocation), timed on one thread and then on every core at once, each core
/// running the same loop. Its scaling is about the most that work spread over the cores can reach on this
/// machine at that moment (a virtual machine's cores may be hyperthreads, or shared with other guests), so
/// a benchmark that reports its own scaling measures this beside it, in turns with its runs.
///
/// ```swift
/// let limit = MachineScaling.measure()  // e.g. 0.93: the cores together did 0.93 × cores × one core's work
/// ```
enum MachineScaling {
    /// Iterations of the loop per thread: about 0.1 s on one core of the machine this was written on.
    static let iterations = 60_000_000

    /// The cores' rate together ÷ (cores × one core's rate), for the same loop of `iterations` per thread.
    static func measure(cores: Int = ProcessInfo.processInfo.activeProcessorCount, iterations: Int = iterations) -> Double {
        let one = seconds { _ = spin(iterations, seed: 1) }
        let all = seconds {
            DispatchQueue.concurrentPerform(iterations: cores) { core in _ = spin(iterations, seed: UInt64(core) + 1) }
        }
        return one / all
    }

    /// Four independent lanes of a linear congruential step and a shift per iteration, so that the loop is
    /// bound by how many instructions a core issues, as the decide path is, not by one chain's latency
    /// (two latency-bound threads can share one physical core without slowing each other).
    @inline(never)
    static func spin(_ count: Int, seed: UInt64) -> UInt64 {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (seed, seed &+ 1, seed &+ 2, seed &+ 3)
        func step(_ state: inout UInt64) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            state ^= state >> 29
        }
        for _ in 0..<count / 4 {
            step(&lanes.0)
            step(&lanes.1)
            step(&lanes.2)
            step(&lanes.3)
        }
        let state = lanes.0 ^ lanes.1 ^ lanes.2 ^ lanes.3
        if state == 0 { print("", terminator: "") }  // a side effect on the result, so that the loop is kept
        return state
    }

    private static func seconds(_ body: () -> Void) -> Double {
        let started = ContinuousClock.now
        body()
        return (ContinuousClock.now - started).inSeconds
    }
}
