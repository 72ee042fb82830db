import ConclaveCore
import ConclaveStore

/// Turns an instance's calls into its result: graded when gold is present; failed when no expert answered
/// or the aggregator failed. A profiling run has no aggregation to grade (`gradesAggregation` false): its
/// experts' answers are graded one by one by the `Profiler`.
struct ResultGrader {
    let spec: PipelineSpec
    var gradesAggregation = true

    func result(for instance: Instance, decision: Decision, responses: [CallRecord], aggregation: CallRecord?) -> InstanceResult {
        var failure: String?
        if !responses.contains(where: \.succeeded) {
            failure = "all \(responses.count) expert calls failed; first error: \(responses.first?.error ?? "none")"
        } else if let aggregation, let error = aggregation.error {
            failure = "aggregator \(aggregation.expert) failed: \(error)"
        }
        let extracted = aggregation?.text.flatMap { spec.grader.extract(from: $0, for: instance) }
        let correct = gradesAggregation ? instance.gold.map { failure == nil && spec.grader.isCorrect(extracted, gold: $0) } : nil
        return InstanceResult(
            id: instance.id,
            question: instance.text,
            decision: decision,
            responses: responses,
            aggregation: aggregation,
            extractedAnswer: extracted,
            gold: instance.gold,
            correct: correct,
            failureReason: failure
        )
    }
}
