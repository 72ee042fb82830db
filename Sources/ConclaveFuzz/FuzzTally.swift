/// Counts of cases and outcomes, per kind of file and in total.
public struct FuzzTally: Sendable {
    /// The counts of one kind of file, or of all.
    public struct Counts: Sendable {
        public var cases = 0
        public var accepted = 0
        public var rejected = 0
        public var badRejections = 0
        public var crashes = 0

        public init() {}
    }

    public private(set) var byKind: [FileKind: Counts] = [:]
    public private(set) var total = Counts()

    public init() {}

    public mutating func add(_ kind: FileKind, _ outcome: FuzzOutcome) {
        func count(_ counts: inout Counts) {
            counts.cases += 1
            switch outcome {
            case .accepted: counts.accepted += 1
            case .rejected: counts.rejected += 1
            case .badRejection: counts.badRejections += 1
            }
        }
        count(&byKind[kind, default: Counts()])
        count(&total)
    }

    /// A case whose process died before it finished.
    public mutating func addCrash(_ kind: FileKind) {
        byKind[kind, default: Counts()].cases += 1
        byKind[kind, default: Counts()].crashes += 1
        total.cases += 1
        total.crashes += 1
    }
}
