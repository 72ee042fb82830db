import Testing

@testable import ConclaveCore

@Suite struct BatchPlannerTests {
    struct CallID: Hashable, Sendable {
        var instance: Int
        var slot: Int
    }

    /// Random models (some remote), random plans of 1–3 stages with 1–4 calls per stage, random budgets.
    static func scenario(seed: UInt64) -> (models: [String: ModelFootprint], plans: [[[String]]], budget: Int?) {
        var rng = SeededGenerator(seed: seed)
        let count = Int.random(in: 1...6, using: &rng)
        var models: [String: ModelFootprint] = [:]
        for index in 0..<count {
            let key = "m\(index)"
            models[key] = ModelFootprint(
                key: key,
                memoryMB: Int.random(in: 100...800, using: &rng),
                managed: Double.random(in: 0..<1, using: &rng) < 0.8
            )
        }
        let keys = models.keys.sorted()
        let stages = Int.random(in: 1...3, using: &rng)
        let plans = (0..<Int.random(in: 1...40, using: &rng)).map { _ in
            (0..<stages).map { _ in (0..<Int.random(in: 1...4, using: &rng)).map { _ in keys.randomElement(using: &rng)! } }
        }
        let budgets: [Int?] = [nil, 800, 1000, 1600, 3000]
        return (models, plans, budgets.randomElement(using: &rng)!)
    }

    @Test func everyCallOnceEachModelLoadedAtMostOncePerStageAndNeverMoreLoadsThanNaive() {
        for seed in 0..<500 as Range<UInt64> {
            let (models, plans, budget) = Self.scenario(seed: seed)
            var resident = ResidentSet(budgetMB: budget)
            var groupedLoads = 0
            for stage in 0..<plans[0].count {
                let calls = plans.enumerated().flatMap { instance, plan in
                    plan[stage].enumerated().map { (id: CallID(instance: instance, slot: $0), model: $1) }
                }
                let residentBefore = Set(resident.keys)
                let schedule = BatchPlanner.schedule(calls, models: models, resident: &resident)
                let scheduled = schedule.groups.flatMap(\.calls)
                #expect(scheduled.count == calls.count && Set(scheduled) == Set(calls.map(\.id)), "seed \(seed)")
                let groupModels = schedule.groups.map(\.model)
                #expect(Set(groupModels).count == groupModels.count, "a model got two groups in one stage, seed \(seed)")
                let cold = Set(calls.map(\.model)).filter { models[$0]!.managed && !residentBefore.contains($0) }
                #expect(schedule.loads == cold.count, "loads = distinct cold managed models, seed \(seed)")
                for group in schedule.groups where group.loads { #expect(models[group.model]!.managed) }
                if let budget, models.values.allSatisfy({ $0.memoryMB <= budget }) {
                    #expect(resident.usedMB <= budget, "seed \(seed)")
                }
                groupedLoads += schedule.loads
            }
            let naive = BatchPlanner.naiveCost(plans: plans, models: models, budgetMB: budget)
            #expect(groupedLoads <= naive.loads, "seed \(seed): grouped \(groupedLoads) > naive \(naive.loads)")
        }
    }

    @Test func residentModelsGoFirstRemoteBeforeThemAndTheOrderOfFirstAppearanceAfter() {
        let models = [
            "a": ModelFootprint(key: "a", memoryMB: 500, managed: true),
            "b": ModelFootprint(key: "b", memoryMB: 500, managed: true),
            "c": ModelFootprint(key: "c", memoryMB: 500, managed: true),
            "r": ModelFootprint(key: "r", memoryMB: 0, managed: false),
        ]
        var resident = ResidentSet(budgetMB: 500, resident: [models["c"]!])
        let calls = [(id: 1, model: "a"), (id: 2, model: "r"), (id: 3, model: "c"), (id: 4, model: "b"), (id: 5, model: "a")]
        let schedule = BatchPlanner.schedule(calls, models: models, resident: &resident)
        #expect(schedule.groups.map(\.model) == ["r", "c", "a", "b"])
        #expect(schedule.groups.map(\.calls) == [[2], [3], [1, 5], [4]])
        #expect(schedule.groups.map(\.unloadFirst) == [[], [], ["c"], ["a"]])
        #expect(schedule.loads == 2 && schedule.unloads == 2)
        #expect(resident.keys == ["b"])
    }

    @Test func quickstartShapeGroupedVersusNaive() {
        // 24 instances × 3 experts alternating over two local models, then one aggregator on the first;
        // budget one model. Grouped: one load per model in stage 1, the aggregator's model loaded last so
        // stage 2 needs none; without the lookahead, 3; naive reloads around every switch.
        let models = [
            "smol": ModelFootprint(key: "smol", memoryMB: 200, managed: true),
            "gemma": ModelFootprint(key: "gemma", memoryMB: 300, managed: true),
        ]
        let plans = (0..<24).map { _ in [["smol", "gemma", "smol"], ["smol"]] }
        func loads(lookahead: Bool) -> Int {
            var resident = ResidentSet(budgetMB: 300)
            return (0..<2).map { stage in
                let calls = plans.enumerated().flatMap { index, plan in plan[stage].enumerated().map { (id: index * 10 + $0, model: $1) } }
                let upcoming: Set<String> = lookahead && stage == 0 ? ["smol"] : []
                return BatchPlanner.schedule(calls, models: models, resident: &resident, upcoming: upcoming).loads
            }.reduce(0, +)
        }
        #expect(loads(lookahead: true) == 2)
        #expect(loads(lookahead: false) == 3)
        #expect(BatchPlanner.naiveCost(plans: plans, models: models, budgetMB: 300).loads == 24 * 2 + 1)
    }

    @Test func residentSetEvictsLeastRecentlyUsedAndLoadsOversizedModelsAlone() {
        let small = ModelFootprint(key: "s", memoryMB: 100, managed: true)
        let medium = ModelFootprint(key: "m", memoryMB: 200, managed: true)
        let huge = ModelFootprint(key: "h", memoryMB: 5000, managed: true)
        var set = ResidentSet(budgetMB: 300)
        set.use(small)
        set.use(medium)
        set.use(small)  // small becomes most recent
        #expect(set.keys == ["m", "s"])
        #expect(set.use(huge) == ResidentSet.Change(loaded: true, unloaded: ["m", "s"]))
        #expect(set.keys == ["h"] && set.loads == 3 && set.unloads == 2)
        #expect(set.use(ModelFootprint(key: "remote", memoryMB: 0, managed: false)) == ResidentSet.Change(loaded: false, unloaded: []))
    }
}
