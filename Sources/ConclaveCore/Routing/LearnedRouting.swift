/// The `learned` recruitment strategy's model: recorded outcomes (questions and how each expert scored on
/// them) indexed by a `NeighborRouter`, so a new question's success estimate for each expert is the
/// similarity-weighted mean of that expert's scores on the `neighbors` most similar recorded questions.
/// Experts are columns; an expert with no recorded outcome is estimated at 0.
///
/// ```swift
/// let learned = LearnedRouting(questions: ["Solve 2x = 4", …], scores: [[1, 0], …], neighbors: 150)
/// learned.predict("Solve 3x = 9")   // one estimate per expert column, e.g. [0.83, 0.12]
/// ```
public struct LearnedRouting: Sendable {
    public let neighbors: Int
    /// The recorded questions the router was fitted on.
    public let questionCount: Int
    private let counter: TermCounter
    private let tfidf: TFIDF
    private let router: NeighborRouter

    /// Fits on `questions` and their `scores` (one row per question, one column per expert, each 0…1).
    public init(questions: [String], scores: [[Double]], neighbors: Int) {
        var counter = TermCounter()
        let documents = questions.map { counter.counts(of: $0) }
        let tfidf = TFIDF(documents: documents, termCount: counter.termCount)
        self.counter = counter
        self.tfidf = tfidf
        self.router = NeighborRouter(vectors: documents.map(tfidf.vector), scores: scores)
        self.neighbors = max(1, neighbors)
        self.questionCount = questions.count
    }

    /// Each expert's estimated chance of answering `text` right.
    public func predict(_ text: String) -> [Double] {
        router.predict(tfidf.vector(counter.knownCounts(of: text)), neighbors: [neighbors])[0]
    }
}
