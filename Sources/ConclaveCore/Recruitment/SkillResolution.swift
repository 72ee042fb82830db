/// Where each of a decision's skills and experts sits in the recruiter's and the role allocation's
/// tables, worked out once per decision maker for every phrase of the matcher's vocabulary: a skill the
/// matcher found (held as its phrase's index, `SkillMatches`) is resolved by two array reads instead of a
/// name lookup in each table.
///
/// ```swift
/// let resolution = SkillResolution(matcher: matcher, recruiter: recruiter, allocation: allocation)
/// resolution.resolve(skills) { resolved in
///     recruiter.recruit(columns: resolved.columns, scored: resolved.scored ?? skills, …)
/// }
/// ```
final class SkillResolution: Sendable {
    /// One instance's skills, resolved.
    struct Resolved {
        /// The recruiter's table columns of the skills some profile scores, in order.
        var columns: UnsafeBufferPointer<Int>
        /// Those skills, when some matched skill is not among them (nil: every matched skill is, so the
        /// caller's own matches serve, without another reference to them).
        var scored: SkillMatches?
        /// Each skill's position in the role allocation (-1 where no role lists it).
        var positions: UnsafeBufferPointer<Int>
    }

    private let recruiter: Recruiter
    private let allocation: RoleAllocation
    /// By the matcher's phrase index: its skill's column in the recruiter and position in the role
    /// allocation (-1: none).
    private let columnOfPhrase: FrozenArray<Int>
    private let positionOfPhrase: FrozenArray<Int>
    /// By the recruiter's candidate index: the expert's index in the role allocation (-1: none).
    private let memberOfCandidate: FrozenArray<Int>

    init(matcher: LexicalSkillMatcher, recruiter: Recruiter, allocation: RoleAllocation) {
        self.recruiter = recruiter
        self.allocation = allocation
        let skillOfPhrase = matcher.phraseSkillIDs.map { matcher.skillNames[Int($0)] }
        columnOfPhrase = FrozenArray(skillOfPhrase.map { recruiter.column(of: $0) ?? -1 })
        positionOfPhrase = FrozenArray(skillOfPhrase.map { allocation.position(of: $0) ?? -1 })
        memberOfCandidate = FrozenArray(recruiter.candidates.map { allocation.member($0.id) ?? -1 })
    }

    deinit {
        for table in [columnOfPhrase, positionOfPhrase, memberOfCandidate] { table.free() }
    }

    /// Calls `body` with `skills` resolved: by their phrase indices when they are held as this
    /// resolution's matcher's phrases (a decision maker's own matches always are), else by name.
    func resolve<Result>(_ skills: SkillMatches, _ body: (Resolved) -> Result) -> Result {
        let count = skills.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * count + 1) { buffer in
            let all = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            let columns = UnsafeMutableBufferPointer(rebasing: buffer[count..<2 * count])
            let positions = UnsafeMutableBufferPointer(rebasing: buffer[2 * count..<3 * count])
            var used = 0
            for index in 0..<count {
                if let phrase = skills.phraseIndex(at: index), phrase < columnOfPhrase.count {
                    all[index] = columnOfPhrase[phrase]
                    positions[index] = positionOfPhrase[phrase]
                } else {
                    all[index] = recruiter.column(of: skills[index].skill) ?? -1
                    positions[index] = allocation.position(of: skills[index].skill) ?? -1
                }
                columns[used] = all[index]
                used += all[index] >= 0 ? 1 : 0
            }
            let scored = used == count ? nil : skills.filter { all[$0] >= 0 }
            return body(
                Resolved(
                    columns: UnsafeBufferPointer(rebasing: columns[..<used]),
                    scored: scored,
                    positions: UnsafeBufferPointer(positions)
                )
            )
        }
    }

    /// Turns the recruiter's candidate indices into the role allocation's expert indices, in place.
    func registryIndices(of members: UnsafeMutableBufferPointer<Int>) {
        for seat in members.indices { members[seat] = memberOfCandidate[members[seat]] }
    }
}
