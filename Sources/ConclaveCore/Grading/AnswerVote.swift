/// The majority vote that ends a debate or ensemble with `finish: vote`: the answer most agents gave wins;
/// a tie goes to the answer given first (the lowest seat); answers nothing could be read from do not vote.
///
/// ```swift
/// AnswerVote.winner(["B", nil, "C", "C"])  // 2: "C" has two votes, and seat 2 gave it first
/// ```
public enum AnswerVote {
    /// The index of the first answer of the winning value; nil when no answer could be read.
    public static func winner(_ answers: [String?]) -> Int? {
        var counts: [String: Int] = [:]
        for case let answer? in answers { counts[answer, default: 0] += 1 }
        guard let most = counts.values.max() else { return nil }
        return answers.firstIndex { $0.map { counts[$0] == most } ?? false }
    }
}
