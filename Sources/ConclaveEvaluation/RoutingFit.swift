import ConclaveCore

/// Profiles built from some training rows of a `RoutingPart` (+1 / −1 per skill of each question), the
/// best single model on those rows, and the team every candidate recruits for other rows.
struct RoutingFit {
    /// One candidate's teams for a list of rows, as model indices, one per seat.
    struct CandidateTeams {
        var candidate: RoutingCandidate
        /// The λ used, for `cost-aware`.
        var lambda: Double?
        var teams: [[Int]]
    }

    let part: RoutingPart
    let candidates: [RecruitmentCandidate]
    /// The model most accurate on the training rows (ties: the first declared).
    let bestSingle: Int
    /// Its mean cost per question on the training rows.
    let bestSingleCost: Double
    /// The learned router over the training rows, and the TF-IDF weighting fitted on them; nil when no
    /// `learned` candidate is asked for.
    let learned: (tfidf: TFIDF, router: NeighborRouter)?

    init(part: RoutingPart, train: [Int]) {
        self.part = part
        let matrix = part.matrix
        var builders = Array(repeating: ProfileBuilder(), count: matrix.models.count)
        var correct = [Double](repeating: 0, count: matrix.models.count)
        for row in train {
            for model in matrix.models.indices {
                builders[model].add(skills: part.skills[row], score: matrix.rows[row].scores[model])
                correct[model] += matrix.rows[row].scores[model]
            }
        }
        candidates = matrix.models.indices.map { model in
            RecruitmentCandidate(id: matrix.models[model].name, profile: builders[model].profile)
        }
        let best = correct.indices.max { correct[$0] < correct[$1] } ?? 0
        bestSingle = best
        bestSingleCost = train.map { part.costs[$0][best] }.reduce(0, +) / Double(max(train.count, 1))
        if part.terms.isEmpty {
            learned = nil
        } else {
            let tfidf = TFIDF(documents: train.map { part.terms[$0] }, termCount: part.termCount)
            let router = NeighborRouter(vectors: train.map { tfidf.vector(part.terms[$0]) }, scores: train.map { matrix.rows[$0].scores })
            learned = (tfidf, router)
        }
    }

    /// Every candidate's team for each of `rows`, with k seats. Symbolic draws are seeded per question
    /// (`settings.seed` and the row's id), so a question gets the same draw in every fold.
    func teams(k: Int, rows: [Int]) -> [CandidateTeams] {
        let settings = part.settings
        let index = Dictionary(candidates.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        func indices(_ recruitments: [Recruitment]) -> [[Int]] { recruitments.map { $0.team.compactMap { index[$0] } } }
        let drawn = symbolic(k: k, rows: rows)
        let predicted = predictions(rows: rows)
        return RoutingCandidate.all(settings).map { candidate in
            switch candidate.strategy {
            case .symbolic:
                return CandidateTeams(candidate: candidate, teams: indices(drawn))
            case .symbolicRareReplaced:
                var replaced = drawn
                RareExpertReplacement(minimumShare: settings.replaceRareBelow).apply(to: &replaced)
                return CandidateTeams(candidate: candidate, teams: indices(replaced))
            case .topK:
                let recruiter = Recruiter(candidates: candidates, k: k, strategy: .topK, temperature: settings.temperature)
                return CandidateTeams(candidate: candidate, teams: deterministicTeams(recruiter, rows: rows))
            case .costAware:
                let lambda = bestSingleCost > 0 ? (candidate.lambdaFactor ?? 0) / bestSingleCost : 0
                let recruiter = Recruiter(candidates: candidates, k: k, strategy: .costAware, lambda: lambda)
                return CandidateTeams(candidate: candidate, lambda: lambda, teams: deterministicTeams(recruiter, rows: rows))
            case .learned:
                let lambda = bestSingleCost > 0 ? (candidate.lambdaFactor ?? 0) / bestSingleCost : 0
                let column = settings.neighborCounts.firstIndex(of: candidate.neighbors ?? 0) ?? 0
                let teams = zip(rows, predicted).map { row, estimates in
                    Self.best(k: k, value: estimates.isEmpty ? [] : zip(estimates[column], part.costs[row]).map { $0 - lambda * $1 })
                }
                return CandidateTeams(candidate: candidate, lambda: lambda, teams: teams)
            }
        }
    }

    /// The learned router's estimates for each row, one list per neighbour count (empty when not asked for).
    private func predictions(rows: [Int]) -> [[[Double]]] {
        guard let learned else { return rows.map { _ in [] } }
        let counts = part.settings.neighborCounts
        return rows.concurrentMap { learned.router.predict(learned.tfidf.vector(part.terms[$0]), neighbors: counts) }
    }

    /// The `k` models of highest value, ties to the earlier declared.
    private static func best(k: Int, value: [Double]) -> [Int] {
        Array(value.indices.sorted { value[$0] != value[$1] ? value[$0] > value[$1] : $0 < $1 }.prefix(k))
    }

    private func symbolic(k: Int, rows: [Int]) -> [Recruitment] {
        let recruiter = Recruiter(candidates: candidates, k: k, strategy: .symbolic, temperature: part.settings.temperature)
        return rows.map { row in
            var rng = SeededGenerator(seed: part.settings.seed, instanceID: part.matrix.rows[row].id)
            return recruiter.recruit(skills: part.skills[row], using: &rng)
        }
    }

    /// Teams of a strategy that draws nothing (`top-k`, `cost-aware`).
    private func deterministicTeams(_ recruiter: Recruiter, rows: [Int]) -> [[Int]] {
        var unused = SeededGenerator(seed: 0)
        return rows.map { recruiter.team(columns: recruiter.columns(for: part.skills[$0]), costs: part.costs[$0], using: &unused) }
    }
}
