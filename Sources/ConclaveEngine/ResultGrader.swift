import ConclaveCore
import ConclaveStore

/// Turns an instance's calls into its result. The final answer is the aggregator's, the winner of the
/// last round's vote, or the last round's one answer, as the collaboration ends; it is graded when gold
/// is present. The instance failed when no agent answered, its last round has no answer, or the
/// aggregator failed. A profiling run has no final answer to grade (`gradesAggregation` false): its
/// experts' answers are graded one by one by the `Profiler`.
struct ResultGrader {
    let spec: PipelineSpec
    var gradesAggregation = true

    func result(for instance: Instance, decision: Decision, responses: [CallRecord], aggregation: CallRecord?) -> InstanceResult {
        let plan = decision.plan
        let last = responses.filter { $0.stage == .expert && $0.round == plan.roundCount - 1 && $0.succeeded }
        var failure: String?
        var final: String?
        if !responses.contains(where: \.succeeded) {
            failure = "all \(responses.count) expert calls failed; first error: \(responses.first?.error ?? "none")"
        } else if gradesAggregation {
            switch plan.finish {
            case .aggregator:
                if let error = aggregation?.error {
                    failure = "aggregator \(aggregation?.expert ?? decision.aggregator) failed: \(error)"
                }
                final = aggregation?.text
            case .vote:
                let winner = AnswerVote.winner(last.map { $0.text.flatMap { spec.grader.extract(from: $0, for: instance) } })
                final = (winner.map { last[$0] } ?? last.first)?.text
            case .last:
                final = last.last?.text
            }
            if failure == nil, final == nil, last.isEmpty {
                failure = "round \(plan.roundCount) of the \(plan.mode.rawValue) produced no answer"
            }
        }
        let extracted = final.flatMap { spec.grader.extract(from: $0, for: instance) }
        let correct = gradesAggregation ? instance.gold.map { failure == nil && spec.grader.isCorrect(extracted, gold: $0) } : nil
        return InstanceResult(
            id: instance.id,
            question: instance.text,
            decision: decision,
            responses: responses,
            aggregation: aggregation,
            finalAnswer: final,
            extractedAnswer: extracted,
            gold: instance.gold,
            correct: correct,
            failureReason: failure
        )
    }
}
