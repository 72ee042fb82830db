import ConclaveCore
import ConclaveStore

/// The logged instances of stored runs, as the mode controller learns and is judged on them: every graded
/// instance with its skills, the mode its decision chose, the probability that choice had, whether the
/// answer was right, and what the instance cost.
///
/// ```swift
/// let logs = try await ControllerLogs.load(from: store, runs: ["explore-1", "explore-2"])
/// ```
public enum ControllerLogs {
    /// A run id the store does not hold.
    public struct UnknownRun: Error, CustomStringConvertible {
        public var runID: String
        public var description: String { "no run '\(runID)' in the store" }
    }

    public static func load(from store: any RunStore, runs: [String]) async throws -> [LoggedInstance] {
        var logs: [LoggedInstance] = []
        for run in runs {
            guard try await store.run(run) != nil else { throw UnknownRun(runID: run) }
            var graded: [InstanceResult] = []
            try await store.forEachResult(run: run) { if $0.correct != nil { graded.append($0) } }
            let decisions = try await store.decisions(run: run, instances: graded.map(\.id))
            for result in graded {
                guard let decision = decisions[result.id], let correct = result.correct else { continue }
                let choice = decision.modeChoice
                logs.append(
                    LoggedInstance(
                        id: result.id,
                        skills: decision.skills.map(\.skill),
                        mode: choice?.mode ?? decision.plan.mode,
                        probability: choice?.probability ?? 1,
                        correct: correct,
                        cost: result.cost
                    )
                )
            }
        }
        return logs
    }
}
