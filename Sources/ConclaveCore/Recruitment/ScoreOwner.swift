/// Keeps a recruiter alive for the scores that decisions keep (`ExpertScores`), so that those scores
/// retain this small object instead of the recruiter itself.
///
/// Every fresh decision's scores hold what they are worked out from, the recruiter among it. Were that
/// the recruiter, every decision would write its reference count, and the cores deciding at once would
/// pass that cache line (and whatever else lies on it) back and forth. A decision maker keeps one owner
/// per thread slot (`ThreadCopies`), so the counts written while deciding are, most of the time, on a
/// line no other core writes.
///
/// ```swift
/// let owner = ScoreOwner(recruiter)
/// owner.recruiter === recruiter  // true
/// ```
final class ScoreOwner: Sendable {
    let recruiter: Recruiter
    /// Fills the object out to two cache lines, so that owners allocated one after another never share one.
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    init(_ recruiter: Recruiter) { self.recruiter = recruiter }
}
