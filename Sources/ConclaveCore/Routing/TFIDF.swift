import Foundation

/// A text as unit-length TF-IDF weights over term ids, ordered by term.
public struct SparseVector: Sendable, Hashable {
    public var terms: [Int32]
    public var weights: [Double]

    public init(terms: [Int32], weights: [Double]) {
        self.terms = terms
        self.weights = weights
    }
}

/// TF-IDF weighting fitted on a set of documents (term counts from one `TermCounter`): a term kept when
/// at least `minimumDocumentFrequency` documents have it, weighted (1 + ln tf) × idf with the smoothed
/// idf ln((1 + n) / (1 + df)) + 1, and every vector scaled to unit length, so a dot product is a cosine.
///
/// ```swift
/// let tfidf = TFIDF(documents: trainingCounts, termCount: counter.termCount)
/// let vector = tfidf.vector(counter.counts(of: question))
/// ```
public struct TFIDF: Sendable {
    /// The idf of each term id; 0 for a term that is not kept.
    public let idf: [Double]

    public init(documents: [[TermCount]], termCount: Int, minimumDocumentFrequency: Int = 2) {
        var frequency = [Int](repeating: 0, count: termCount)
        for document in documents {
            for entry in document where Int(entry.term) < termCount { frequency[Int(entry.term)] += 1 }
        }
        let count = Double(documents.count)
        idf = frequency.map { $0 >= max(1, minimumDocumentFrequency) ? log((1 + count) / (1 + Double($0))) + 1 : 0 }
    }

    /// The unit-length vector of a document's counts; terms the fit did not keep are left out.
    public func vector(_ counts: [TermCount]) -> SparseVector {
        var terms: [Int32] = []
        var weights: [Double] = []
        terms.reserveCapacity(counts.count)
        weights.reserveCapacity(counts.count)
        for entry in counts where Int(entry.term) < idf.count && idf[Int(entry.term)] > 0 {
            terms.append(entry.term)
            weights.append((1 + log(Double(entry.count))) * idf[Int(entry.term)])
        }
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { weights = weights.map { $0 / norm } }
        return SparseVector(terms: terms, weights: weights)
    }
}
