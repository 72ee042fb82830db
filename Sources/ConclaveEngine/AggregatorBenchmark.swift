import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// The aggregator benchmark (Symbolic-MoE): every candidate aggregator synthesizes the same cases (sets of
/// right and wrong expert answers from a profiling run), and its share of correct syntheses is its
/// aggregator score. The calls run through the batch scheduler and are stored under the profiling run, so
/// an interrupted benchmark resumes without repeating them.
struct AggregatorBenchmark {
    let pipeline: LoadedPipeline
    let connector: any ExpertConnector
    let store: any RunStore
    let observer: any RunObserver

    /// Each expert's score over `cases`; `questions` holds the instance (with gold) behind each case.
    func run(_ cases: [AggregationCase], questions: [String: Instance], runID: String, stop: StopSignal) async throws -> [AggregatorScore] {
        let candidates = pipeline.registry.experts.map(\.id).sorted()
        var session = RunSession(pipeline: pipeline, connector: connector, store: store, observer: observer, runID: runID, mode: .profile, stop: stop)
        // Seat = the candidate's place among the sorted expert ids, so a resumed benchmark finds its calls.
        let calls = cases.flatMap { benchmarkCase in
            candidates.enumerated().map { PlannedCall(instanceID: benchmarkCase.id, stage: .aggregator, seat: $0, expert: $1) }
        }
        var outcomes = try await store.completedCalls(run: runID, instances: cases.map(\.id))
        let byID = Dictionary(cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let role = pipeline.spec.aggregatorRole.flatMap(pipeline.registry.role(named:))
        try await session.execute(calls, step: PlanStep(.aggregator), outcomes: &outcomes, upcoming: []) { call in
            let benchmarkCase = byID[call.instanceID]!
            return Prompts.aggregation(instance: questions[benchmarkCase.questionID]!, responses: benchmarkCase.responses, role: role)
        }
        let grader = pipeline.spec.grader
        return candidates.enumerated().map { seat, expert in
            var score = AggregatorScore(expert: expert, cases: cases.count)
            for benchmarkCase in cases {
                guard let text = outcomes[CallKey(instanceID: benchmarkCase.id, stage: .aggregator, seat: seat)]?.text,
                    let instance = questions[benchmarkCase.questionID], let gold = instance.gold
                else {
                    score.failed += 1
                    continue
                }
                if grader.isCorrect(grader.extract(from: text, for: instance), gold: gold) { score.correct += 1 }
            }
            return score
        }
    }
}

/// One candidate's result in the aggregator benchmark: its score is correct / cases (a failed call counts
/// as not correct).
public struct AggregatorScore: Sendable, Hashable, Codable {
    public var expert: String
    public var cases: Int
    public var correct = 0
    public var failed = 0

    public init(expert: String, cases: Int) {
        self.expert = expert
        self.cases = cases
    }

    public var score: Double { cases == 0 ? 0 : Double(correct) / Double(cases) }
}
