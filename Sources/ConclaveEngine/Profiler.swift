import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// Measures every expert's profile on a labelled validation set (Symbolic-MoE): one profiling run in which
/// every expert answers every question through the batch scheduler (durable and resumable like any run),
/// then each answer is graded on its own and, for every skill of the question, adds +1 to the expert's
/// profile when right and −1 when wrong. Each measured profile is saved as the expert's next version.
///
/// ```swift
/// let profiler = Profiler(pipeline: pipeline, dataset: DatasetReader(url: pipeline.spec.dataset),
///                         connector: connector, store: store, observer: observer)
/// let report = try await profiler.profile(RunOptions(runID: "profile-1", outputDirectory: output))
/// report.records.map(\.accuracy)
/// ```
public struct Profiler: Sendable {
    public let pipeline: LoadedPipeline
    /// The labelled validation set the experts answer.
    public let dataset: any DatasetSource
    public let connector: any ExpertConnector
    public let store: any RunStore & ProfileStore
    public let observer: any RunObserver

    public init(
        pipeline: LoadedPipeline,
        dataset: any DatasetSource,
        connector: any ExpertConnector,
        store: any RunStore & ProfileStore,
        observer: any RunObserver
    ) {
        self.pipeline = pipeline
        self.dataset = dataset
        self.connector = connector
        self.store = store
        self.observer = observer
    }

    /// Runs (or resumes) the profiling run over the pipeline's dataset, then the aggregator benchmark over
    /// `aggregatorCases` cases of `aggregatorCaseSize` answers each (0 cases keeps the aggregator scores the
    /// experts had), and saves one new profile version per expert. `options.mode` is ignored: a profiling
    /// run is always `.profile`.
    public func profile(_ options: RunOptions, aggregatorCases: Int = 20, aggregatorCaseSize: Int = 3) async throws -> ProfilingReport {
        var options = options
        options.mode = .profile
        let summary = try await Runner(pipeline: pipeline, dataset: dataset, connector: connector, store: store, observer: observer).run(options)
        let graded = try await gradedAnswers(run: options.runID)
        var aggregators: [AggregatorScore] = []
        var cases: [AggregationCase] = []
        if aggregatorCases > 0 {
            cases = AggregationCases.sample(
                graded.map { question in
                    AggregationCases.Question(
                        id: question.instance.id,
                        answers: question.answers.compactMap { answer in
                            answer.text.flatMap { text in answer.correct.map { AggregationCases.Answer(text: text, correct: $0) } }
                        }
                    )
                },
                count: aggregatorCases,
                size: aggregatorCaseSize,
                seed: pipeline.spec.seed
            )
            let questions = Dictionary(graded.map { ($0.instance.id, $0.instance) }, uniquingKeysWith: { first, _ in first })
            aggregators = try await AggregatorBenchmark(pipeline: pipeline, connector: connector, store: store, observer: observer)
                .run(cases, questions: questions, runID: options.runID, stop: options.stop)
        }
        let measuredAt = Date()
        var records: [ProfileRecord] = []
        for expert in pipeline.registry.experts {
            var builder = ProfileBuilder()
            var questions = 0
            var correct = 0
            var failed = 0
            for question in graded {
                guard let answer = question.answers.first(where: { $0.expert == expert.id }) else { continue }
                guard let isCorrect = answer.correct else {
                    failed += 1
                    continue
                }
                builder.add(skills: question.skills, score: isCorrect ? 1 : 0)
                questions += 1
                if isCorrect { correct += 1 }
            }
            let record = ProfileRecord(
                expert: expert.id,
                runID: options.runID,
                dataset: pipeline.spec.dataset.path,
                measuredAt: measuredAt,
                questions: questions,
                correct: correct,
                failedCalls: failed,
                profile: builder.profile(
                    aggregatorScore: aggregators.first { $0.expert == expert.id }?.score
                        ?? expert.profile.aggregatorScore
                )
            )
            records.append(try store.saveProfile(record))
        }
        return ProfilingReport(summary: summary, records: records, answers: graded, aggregatorCases: cases, aggregators: aggregators)
    }

    /// Every stored answer of the profiling run, graded against the question's gold answer. Questions
    /// without gold cannot be graded and are left out.
    func gradedAnswers(run: String) async throws -> [GradedQuestion] {
        var instances: [String: Instance] = [:]
        for case .instance(let instance) in try dataset.rows() where instance.gold != nil {
            instances[instance.id] = instance
        }
        let grader = pipeline.spec.grader
        var graded: [GradedQuestion] = []
        try await store.forEachResult(run: run) { result in
            guard let instance = instances[result.id], let gold = instance.gold else { return }
            let answers = result.responses.map { response in
                GradedAnswer(
                    expert: response.expert,
                    text: response.text,
                    correct: response.text.map { grader.isCorrect(grader.extract(from: $0, for: instance), gold: gold) }
                )
            }
            graded.append(GradedQuestion(instance: instance, skills: result.skills, answers: answers))
        }
        return graded
    }
}

/// What a profiling run measured: the run's totals, each expert's new profile version, every graded
/// answer, and the aggregator benchmark's scores (empty when it did not run).
public struct ProfilingReport: Sendable {
    public var summary: RunSummary
    public var records: [ProfileRecord]
    public var answers: [GradedQuestion]
    public var aggregatorCases: [AggregationCase]
    public var aggregators: [AggregatorScore]
}

extension ProfilingReport {
    /// Recounts, from the graded answers alone, correct − wrong and correct + wrong for every expert and
    /// skill, and lists where a saved profile disagrees (empty when every profile adds up).
    public func recount() -> (pairs: Int, mismatches: [String]) {
        var tally: [String: [String: (correct: Int, wrong: Int)]] = [:]
        for question in answers {
            for answer in question.answers {
                guard let correct = answer.correct else { continue }
                for skill in Set(question.skills) {
                    var entry = tally[answer.expert, default: [:]][skill, default: (0, 0)]
                    if correct { entry.correct += 1 } else { entry.wrong += 1 }
                    tally[answer.expert, default: [:]][skill] = entry
                }
            }
        }
        var pairs = 0
        var mismatches: [String] = []
        for record in records {
            let counted = tally[record.expert] ?? [:]
            for skill in Set(counted.keys).union(record.profile.skills.keys).sorted() {
                pairs += 1
                let (correct, wrong) = counted[skill] ?? (0, 0)
                if record.profile.skills[skill] != Double(correct - wrong) || record.profile.answered[skill] != correct + wrong {
                    mismatches.append("\(record.expert)/\(skill): profile \(record.profile.skills[skill] ?? 0), counted \(correct) − \(wrong)")
                }
            }
        }
        return (pairs, mismatches)
    }
}

/// One validation question of a profiling run with its skills and every expert's graded answer.
public struct GradedQuestion: Sendable, Hashable {
    public var instance: Instance
    public var skills: [String]
    public var answers: [GradedAnswer]
}

/// One expert's answer to a validation question: its text and whether it was right (nil when the call
/// failed, so there is nothing to grade).
public struct GradedAnswer: Sendable, Hashable {
    public var expert: String
    public var text: String?
    public var correct: Bool?
}
