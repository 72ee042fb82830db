/// Predicts how likely each model is to answer a question from how the models did on the most similar
/// training questions: the cosine-weighted mean of the `n` nearest questions' scores (TF-IDF over words
/// and word pairs). A question that shares no term with any training question gets each model's mean
/// score. Deterministic: ties in similarity go to the earlier training question.
///
/// ```swift
/// let router = NeighborRouter(vectors: trainingVectors, scores: trainingScores)
/// let predicted = router.predict(vector, neighbors: [100])[0]   // one success estimate per model
/// ```
public struct NeighborRouter: Sendable {
    /// The training questions having each term: (question, weight), by term id.
    private let postings: [[(question: Int32, weight: Double)]]
    /// Each training question's score per model.
    private let scores: [[Double]]
    /// Each model's mean score over the training questions.
    public let prior: [Double]

    public init(vectors: [SparseVector], scores: [[Double]]) {
        let terms = vectors.map { Int($0.terms.last ?? -1) + 1 }.max() ?? 0
        var postings = [[(question: Int32, weight: Double)]](repeating: [], count: terms)
        for (question, vector) in vectors.enumerated() {
            for (term, weight) in zip(vector.terms, vector.weights) { postings[Int(term)].append((Int32(question), weight)) }
        }
        self.postings = postings
        self.scores = scores
        let models = scores.first?.count ?? 0
        prior = (0..<models).map { model in scores.isEmpty ? 0 : scores.map { $0[model] }.reduce(0, +) / Double(scores.count) }
    }

    /// For each neighbour count in `neighbors`, one success estimate per model.
    public func predict(_ vector: SparseVector, neighbors: [Int]) -> [[Double]] {
        var similarity = [Double](repeating: 0, count: scores.count)
        for (term, weight) in zip(vector.terms, vector.weights) where Int(term) < postings.count {
            for entry in postings[Int(term)] { similarity[Int(entry.question)] += weight * entry.weight }
        }
        let most = min(neighbors.max() ?? 0, scores.count)
        let nearest = similarity.indices.filter { similarity[$0] > 0 }
            .sorted { similarity[$0] != similarity[$1] ? similarity[$0] > similarity[$1] : $0 < $1 }
            .prefix(most)
        return neighbors.map { count in
            var sums = [Double](repeating: 0, count: prior.count)
            var total = 0.0
            for question in nearest.prefix(count) {
                for model in sums.indices { sums[model] += similarity[question] * scores[question][model] }
                total += similarity[question]
            }
            return total > 0 ? sums.map { $0 / total } : prior
        }
    }
}
