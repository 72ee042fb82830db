/// Keeps a recruiter alive for the scores that decisions keep (`ExpertScores`), so that those scores
/// retain this small object instead of the recruiter itself.
///
/// Every fresh decision's scores hold what they are worked out from, the recruiter among it. Were that
/// the recruiter, every decision would write its reference count, and the cores deciding at once would
/// pass that cache line (and whatever else lies on it) back and forth. A decision maker keeps one owner
/// per thread slot (`ScoreOwners`, `ThreadSlot`), so the counts written while deciding are, most of the
/// time, on a line no other core writes.
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

/// A decision maker's `ScoreOwner`s, one per `ThreadSlot`: `current` is the one for the calling thread.
///
/// ```swift
/// let owners = ScoreOwners(recruiter)
/// owners.current.recruiter === recruiter  // true, on any thread
/// ```
struct ScoreOwners: Sendable {
    private let owners: [ScoreOwner]
    /// The same owners, read without retaining the array that holds them.
    private let unretained: FrozenArray<Unmanaged<ScoreOwner>>

    init(_ recruiter: Recruiter) {
        owners = (0..<ThreadSlot.count).map { _ in ScoreOwner(recruiter) }
        unretained = FrozenArray(owners.map { Unmanaged.passUnretained($0) })
    }

    /// Gives back the memory of the unretained list; the owner of these slots calls it once, when it goes.
    func free() { unretained.free() }

    /// The calling thread's owner.
    var current: ScoreOwner { unretained[ThreadSlot.current].takeUnretainedValue() }
}
