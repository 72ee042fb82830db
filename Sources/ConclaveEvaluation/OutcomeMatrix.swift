import ConclaveCore
import Foundation

/// Recorded outcomes of several models on the same questions: for each question, each model's score
/// (0 wrong … 1 right), with each model's token prices. The data of routing evaluation: profiles are
/// built from one part and recruitment is judged on another, without calling any model.
///
/// ```swift
/// let matrix = OutcomeMatrix(models: [.init(name: "small", price: Price(inputPerMillion: 0.1, outputPerMillion: 0.1))],
///                            rows: [.init(id: "q1", question: "2+2?", scores: [1])])
/// ```
public struct OutcomeMatrix: Sendable {
    /// One model of the matrix and what its tokens cost.
    public struct Model: Sendable, Hashable, Codable {
        public var name: String
        public var price: Price

        public init(name: String, price: Price) {
            self.name = name
            self.price = price
        }
    }

    /// One question and every model's score on it, in the order of `models`.
    public struct Row: Sendable, Hashable {
        public var id: String
        public var question: String
        public var scores: [Double]

        public init(id: String, question: String, scores: [Double]) {
            self.id = id
            self.question = question
            self.scores = scores
        }
    }

    public var models: [Model]
    public var rows: [Row]

    public init(models: [Model], rows: [Row]) {
        self.models = models
        self.rows = rows
    }

    /// `count` disjoint test folds covering every row once, after a seeded shuffle.
    public func folds(_ count: Int, seed: UInt64) -> [[Int]] { Self.split(Array(rows.indices), into: count, seed: seed) }

    /// `indices` dealt into `count` (at least 1) disjoint folds after a seeded shuffle; sizes differ by at most one.
    public static func split(_ indices: [Int], into count: Int, seed: UInt64) -> [[Int]] {
        var order = indices
        var rng = SeededGenerator(seed: seed)
        order.shuffle(using: &rng)
        let count = max(count, 1)
        return (0..<count).map { fold in stride(from: fold, to: order.count, by: count).map { order[$0] } }
    }

    /// The rows of `other` that repeat a row of this matrix, by id or by question text (whitespace
    /// trimmed), in `other`'s order: each as `id 'q1'` or `question 'What is …'`.
    public func overlap(with other: OutcomeMatrix) -> [String] {
        let ids = Set(rows.map(\.id))
        let questions = Set(rows.map { $0.question.trimmingCharacters(in: .whitespacesAndNewlines) })
        return other.rows.compactMap { row in
            if ids.contains(row.id) { return "id '\(row.id)'" }
            let question = row.question.trimmingCharacters(in: .whitespacesAndNewlines)
            guard questions.contains(question) else { return nil }
            return "question '\(question.count > 60 ? String(question.prefix(60)) + "…" : question)' (id '\(row.id)')"
        }
    }
}
