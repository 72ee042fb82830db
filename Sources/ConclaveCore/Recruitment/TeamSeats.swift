/// A recruitment's team as it is held (`Recruitment.team` reads it): the experts' ids, or, for a fresh
/// recruitment, the recruiter's candidate indices packed a byte a seat into one integer, with the owner
/// that keeps the recruiter, and so the candidates' ids, alive. A fresh decision then owns no array for
/// its team: one allocation fewer to make while deciding, and one object fewer to free, long after, when
/// its window is let go of.
///
/// ```swift
/// let seats = TeamSeats(members: members, owner: owner) ?? TeamSeats(ids)  // members: candidate indices
/// seats.ids  // ["qwen-math", "qwen-med", "qwen-math"]
/// ```
struct TeamSeats: Sendable {
    private enum Experts: Sendable {
        case ids([String])
        /// The owner of the recruiter whose candidates `packed` indexes.
        case candidates(ScoreOwner)
    }

    private var experts: Experts
    /// With `candidates`: seat s's candidate in byte s, `packedCount` seats. (Beside the enum rather than
    /// in its case, so that reordering the seats rewrites one integer without touching the owner's
    /// reference count.)
    private var packed: UInt64 = 0
    private var packedCount = 0

    /// The most seats packed into one integer.
    static let packedSeats = 8

    init(_ ids: [String]) { experts = .ids(ids) }

    /// The seats of `members`, the recruiter's candidate indices in seat order; nil when they do not
    /// pack (more than `packedSeats` seats, or a candidate index past 255).
    init?(members: UnsafeBufferPointer<Int>, owner: ScoreOwner) {
        guard members.count <= Self.packedSeats else { return nil }
        for (seat, candidate) in members.enumerated() {
            guard (0..<256).contains(candidate) else { return nil }
            packed |= UInt64(candidate) << (8 * seat)
        }
        packedCount = members.count
        experts = .candidates(owner)
    }

    var count: Int {
        switch experts {
        case .ids(let ids): ids.count
        case .candidates: packedCount
        }
    }

    /// The id of the expert in `seat`.
    subscript(seat: Int) -> String {
        switch experts {
        case .ids(let ids): ids[seat]
        case .candidates(let owner): owner.recruiter.id(of: Int((packed >> (8 * seat)) & 0xFF))
        }
    }

    /// Every seat's expert id, in seat order.
    var ids: [String] {
        switch experts {
        case .ids(let ids): ids
        case .candidates: (0..<packedCount).map { self[$0] }
        }
    }

    /// Puts the expert of seat `order[s]` in seat s, for every seat (`order` holds each seat once).
    mutating func reorder(_ order: UnsafeBufferPointer<Int>) {
        if case .ids(let ids) = experts {
            experts = .ids(order.map { ids[$0] })
            return
        }
        var reordered: UInt64 = 0
        for (seat, from) in order.enumerated() { reordered |= ((packed >> (8 * from)) & 0xFF) << (8 * seat) }
        packed = reordered
    }
}
