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
    private enum Storage: Sendable {
        case ids([String])
        /// Seat s's candidate in byte s of `packed`; `count` seats.
        case candidates(packed: UInt64, count: Int, owner: ScoreOwner)
    }

    private var storage: Storage

    /// The most seats packed into one integer.
    static let packedSeats = 8

    init(_ ids: [String]) { storage = .ids(ids) }

    /// The seats of `members`, the recruiter's candidate indices in seat order; nil when they do not
    /// pack (more than `packedSeats` seats, or a candidate index past 255).
    init?(members: UnsafeBufferPointer<Int>, owner: ScoreOwner) {
        guard members.count <= Self.packedSeats else { return nil }
        var packed: UInt64 = 0
        for (seat, candidate) in members.enumerated() {
            guard (0..<256).contains(candidate) else { return nil }
            packed |= UInt64(candidate) << (8 * seat)
        }
        storage = .candidates(packed: packed, count: members.count, owner: owner)
    }

    var count: Int {
        switch storage {
        case .ids(let ids): ids.count
        case .candidates(_, let count, _): count
        }
    }

    /// The id of the expert in `seat`.
    subscript(seat: Int) -> String {
        switch storage {
        case .ids(let ids): ids[seat]
        case .candidates(let packed, _, let owner): owner.recruiter.id(of: Int((packed >> (8 * seat)) & 0xFF))
        }
    }

    /// Every seat's expert id, in seat order.
    var ids: [String] {
        switch storage {
        case .ids(let ids): ids
        case .candidates(_, let count, _): (0..<count).map { self[$0] }
        }
    }

    /// Puts the expert of seat `order[s]` in seat s, for every seat (`order` holds each seat once).
    mutating func reorder(_ order: UnsafeBufferPointer<Int>) {
        switch storage {
        case .ids(let ids):
            storage = .ids(order.map { ids[$0] })
        case .candidates(let packed, let count, let owner):
            var reordered: UInt64 = 0
            for (seat, from) in order.enumerated() { reordered |= ((packed >> (8 * from)) & 0xFF) << (8 * seat) }
            storage = .candidates(packed: reordered, count: count, owner: owner)
        }
    }
}
