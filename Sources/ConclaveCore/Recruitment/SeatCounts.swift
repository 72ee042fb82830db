/// How many seats each candidate of a recruitment holds: four bits each in one integer while they fit
/// (up to 16 candidates, 15 seats each), else a list, so that a decision's seats take no memory of their
/// own in the usual case.
///
/// ```swift
/// var seats = SeatCounts(candidates: 16)
/// seats[3] += 2
/// seats[3]  // 2
/// ```
struct SeatCounts: Sendable {
    private var packed: UInt64 = 0
    /// The counts once they no longer fit in `packed` (nil until then).
    private var list: [Int]?

    /// Bits per candidate in `packed`, and the largest count they hold.
    private static let width = 4
    private static let largest = (1 << width) - 1

    /// No seats yet for any of `candidates`.
    init(candidates: Int) {
        if candidates * Self.width > UInt64.bitWidth { list = Array(repeating: 0, count: candidates) }
    }

    subscript(candidate: Int) -> Int {
        get {
            if let list { return list[candidate] }
            return Int(truncatingIfNeeded: packed >> UInt64(candidate * Self.width)) & Self.largest
        }
        set {
            if list == nil, (0...Self.largest).contains(newValue) {
                let shift = UInt64(candidate * Self.width)
                packed = packed & ~(UInt64(Self.largest) << shift) | UInt64(newValue) << shift
                return
            }
            if list == nil { list = (0..<UInt64.bitWidth / Self.width).map { self[$0] } }
            list?[candidate] = newValue
        }
    }
}
