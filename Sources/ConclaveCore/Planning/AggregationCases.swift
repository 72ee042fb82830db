/// One case of the aggregator benchmark: a validation question and a set of expert answers to it, some
/// right and some wrong, that every candidate aggregator is asked to synthesize.
public struct AggregationCase: Sendable, Hashable, Codable {
    /// Unique per case: the question id and the case number (`q17#agg3`).
    public var id: String
    public var questionID: String
    /// The answers in the order the aggregator sees them.
    public var responses: [String]
    /// How many of `responses` were graded right.
    public var rightCount: Int

    public init(id: String, questionID: String, responses: [String], rightCount: Int) {
        self.id = id
        self.questionID = questionID
        self.responses = responses
        self.rightCount = rightCount
    }
}

/// Draws the aggregator benchmark's cases from a profiling run's graded answers (Symbolic-MoE's aggregator
/// selection): questions whose answers mix right and wrong ones come first, then the others; each case
/// holds `size` answers with at least one right and one wrong answer whenever the question has both. Seeded:
/// the same answers and seed give the same cases.
///
/// ```swift
/// let cases = AggregationCases.sample(questions, count: 20, size: 3, seed: 42)
/// ```
public enum AggregationCases {
    /// A question's id and its graded answers.
    public struct Question: Sendable, Hashable {
        public var id: String
        public var answers: [Answer]

        public init(id: String, answers: [Answer]) {
            self.id = id
            self.answers = answers
        }
    }

    /// One graded answer: its text, and whether it was right.
    public struct Answer: Sendable, Hashable {
        public var text: String
        public var correct: Bool

        public init(text: String, correct: Bool) {
            self.text = text
            self.correct = correct
        }
    }

    public static func sample(_ questions: [Question], count: Int, size: Int, seed: UInt64) -> [AggregationCase] {
        var rng = SeededGenerator(seed: seed)
        let answered = questions.filter { !$0.answers.isEmpty }
        let mixed = answered.filter { question in question.answers.contains { $0.correct } && question.answers.contains { !$0.correct } }
        let mixedIDs = Set(mixed.map(\.id))
        let chosen = (mixed.shuffled(using: &rng) + answered.filter { !mixedIDs.contains($0.id) }.shuffled(using: &rng)).prefix(count)
        return chosen.enumerated().map { number, question in
            var picked: [Answer] = []
            var pool = question.answers.shuffled(using: &rng)
            // One right and one wrong answer first, so a mixed question always gives a mixed case.
            for wanted in [true, false] where picked.count < size {
                if let index = pool.firstIndex(where: { $0.correct == wanted }) { picked.append(pool.remove(at: index)) }
            }
            while picked.count < size {
                if pool.isEmpty { pool = question.answers.shuffled(using: &rng) }
                picked.append(pool.removeLast())
            }
            picked.shuffle(using: &rng)
            return AggregationCase(
                id: "\(question.id)#agg\(number)",
                questionID: question.id,
                responses: picked.map(\.text),
                rightCount: picked.filter(\.correct).count
            )
        }
    }
}
