/// What a candidate's weight measures, which decides how `Recruiter` computes it.
public enum Weighting: Sendable, Hashable {
    /// Relevance (the profile's scores summed over the instance's skills) × normalised strength; a
    /// candidate with no positive relevance weighs 0.
    case relevanceTimesStrength
    /// Expected correctness (per-answer rate, averaged over the skills) − λ × the expected cost of the call;
    /// any candidate may be picked.
    case correctnessMinusCost
}

/// One recruitment strategy: how the weighted candidates become a team. `Recruiter` computes every
/// candidate's weight as the strategy's `weighting` says, then asks the strategy for the seats.
///
/// A new strategy is one file with a type conforming to this protocol, plus its registration: a case of
/// `RecruitmentStrategy` (its name in YAML) and the line in `RecruitmentStrategy.selection` that returns
/// the type (see CONTRIBUTING.md).
///
/// ```swift
/// struct HeaviestOnly: TeamSelection {
///     var weighting: Weighting { .relevanceTimesStrength }
///     func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
///         Array(Heaviest.indices(of: weights, count: 1, positiveOnly: true).prefix(k))
///     }
///     func missed(k: Int) -> String { "not the heaviest" }
/// }
/// ```
public protocol TeamSelection: Sendable {
    /// What the weights measure.
    var weighting: Weighting { get }
    /// The team for these weights, as candidate indices, one per seat (an index may repeat when the
    /// strategy draws with replacement); at most `k` seats.
    func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int]
    /// The same team written to `team` (whose count is k), without allocating; returns how many seats.
    /// By default, `seats(weights:k:using:)` copied.
    func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, into team: UnsafeMutableBufferPointer<Int>, using rng: inout G) -> Int
    /// Why an eligible candidate got no seat, in words, before its weight's basis ("not drawn").
    func missed(k: Int) -> String
}

extension TeamSelection {
    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        let seats = seats(weights: weights, k: team.count, using: &rng).prefix(team.count)
        for (seat, candidate) in seats.enumerated() { team[seat] = candidate }
        return seats.count
    }
}

extension RecruitmentStrategy {
    /// The registration of every strategy: the type that picks its teams.
    public var selection: any TeamSelection {
        switch self {
        case .symbolic: SymbolicDraw()
        case .topK: TopKSelection()
        case .costAware: CostAwareSelection()
        case .learned: LearnedSelection()
        }
    }
}

/// A deterministic strategy: the k heaviest distinct candidates (`Heaviest`); it says only which weights
/// are eligible.
///
/// ```swift
/// struct HeaviestPositive: HeaviestSelection {
///     var weighting: Weighting { .relevanceTimesStrength }
///     var positiveOnly: Bool { true }
/// }
/// ```
public protocol HeaviestSelection: TeamSelection {
    /// Whether only positive weights are eligible (every candidate when none is positive).
    var positiveOnly: Bool { get }
}

extension HeaviestSelection {
    public func seats<G: RandomNumberGenerator>(weights: UnsafeBufferPointer<Double>, k: Int, using rng: inout G) -> [Int] {
        Heaviest.indices(of: weights, count: k, positiveOnly: positiveOnly)
    }

    public func seats<G: RandomNumberGenerator>(
        weights: UnsafeBufferPointer<Double>,
        into team: UnsafeMutableBufferPointer<Int>,
        using rng: inout G
    ) -> Int {
        Heaviest.indices(of: weights, positiveOnly: positiveOnly, into: team)
    }

    public func missed(k: Int) -> String { "not in the top \(k)" }
}

/// The heaviest distinct candidates, which the deterministic strategies share.
public enum Heaviest {
    /// The `count` heaviest distinct indices, ties by declaration order; with `positiveOnly`, only
    /// positive weights (all of them when none is positive).
    public static func indices(of weights: UnsafeBufferPointer<Double>, count: Int, positiveOnly: Bool) -> [Int] {
        [Int](seats: count) { indices(of: weights, positiveOnly: positiveOnly, into: $0) }
    }

    /// `indices(of:count:positiveOnly:)` written to `team` (as many as it holds); returns how many.
    public static func indices(of weights: UnsafeBufferPointer<Double>, positiveOnly: Bool, into team: UnsafeMutableBufferPointer<Int>) -> Int {
        let eligibleAll = !positiveOnly || !weights.contains { $0 > 0 }
        var filled = 0
        while filled < team.count {
            var pick = -1
            for index in weights.indices where !team[..<filled].contains(index) && (eligibleAll || weights[index] > 0) {
                if pick < 0 || weights[index] > weights[pick] { pick = index }
            }
            if pick < 0 { break }
            team[filled] = pick
            filled += 1
        }
        return filled
    }
}

extension Array where Element == Int {
    /// A team written by `fill` to room for `seats` seats (its return is how many it filled).
    init(seats: Int, _ fill: (UnsafeMutableBufferPointer<Int>) -> Int) {
        let room = Swift.max(seats, 0)
        self.init(unsafeUninitializedCapacity: room) { team, count in count = fill(UnsafeMutableBufferPointer(rebasing: team[..<room])) }
    }
}
