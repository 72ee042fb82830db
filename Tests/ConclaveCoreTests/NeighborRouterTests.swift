import ConclaveCore
import Testing

/// The learned router's parts: terms, TF-IDF weighting, and neighbour averaging on planted data.
@Suite struct NeighborRouterTests {
    @Test func termsAreWordsOfTwoOrMoreCharactersAndAdjacentPairs() {
        var counter = TermCounter()
        let counts = counter.counts(of: "Solve x: solve IT")
        #expect(counts.map(\.count).reduce(0, +) == 5, "solve, solve, it, and the pairs 'solve solve' and 'solve it'")
        #expect(counts.contains { $0.count == 2 }, "'solve' twice, case folded")
        let again = counter.counts(of: "solve")
        #expect(again.count == 1 && counts.contains { $0.term == again[0].term }, "the same term keeps its id")
    }

    @Test func tfidfDropsRareTermsAndGivesUnitVectors() {
        var counter = TermCounter()
        let documents = ["alpha beta", "alpha gamma", "alpha beta delta"].map { counter.counts(of: $0) }
        let tfidf = TFIDF(documents: documents, termCount: counter.termCount, minimumDocumentFrequency: 2)
        let vector = tfidf.vector(documents[2])
        #expect(vector.terms.count == 3, "alpha, beta and 'alpha beta' are in two documents or more; delta and 'beta delta' are not")
        #expect(abs(vector.weights.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
        let alpha = vector.weights[0]
        let beta = vector.weights[1]
        #expect(beta > alpha, "alpha is in every document, so it weighs least")
    }

    /// Chemistry questions are answered by model 0 only, history questions by model 1 only.
    @Test func recoversAPlantedRuleFromNeighbours() {
        var counter = TermCounter()
        let topics = ["chemistry reaction acid", "history empire war"]
        var texts: [String] = []
        var scores: [[Double]] = []
        for index in 0..<40 {
            let topic = index % 2
            texts.append("question \(index) about \(topics[topic]) number \(index % 7)")
            scores.append(topic == 0 ? [1, 0] : [0, 1])
        }
        let documents = texts.map { counter.counts(of: $0) }
        let tfidf = TFIDF(documents: documents, termCount: counter.termCount)
        let router = NeighborRouter(vectors: documents.map(tfidf.vector), scores: scores)
        #expect(router.prior == [0.5, 0.5])
        let chemistry = router.predict(tfidf.vector(counter.counts(of: "an acid reaction in chemistry")), neighbors: [5, 20])
        #expect(chemistry.allSatisfy { $0[0] > 0.9 && $0[1] < 0.1 }, "\(chemistry)")
        let history = router.predict(tfidf.vector(counter.counts(of: "the war of the empire")), neighbors: [5])[0]
        #expect(history[1] > 0.9, "\(history)")
        let unknown = router.predict(tfidf.vector(counter.counts(of: "zzz qqq")), neighbors: [5])[0]
        #expect(unknown == router.prior, "no shared term: each model's mean")
    }
}
