/// Orders the calls of one stage, across all pending instances, so that each model is loaded at most once:
/// calls are grouped by model (experts that share a model share a group); remote models go first (they
/// need no memory), then models already resident, then the rest in order of first appearance, each loaded
/// once under the memory budget. Within the resident and the cold models, those the next stage needs
/// (`upcoming`) go last, so they are still resident when it starts.
///
/// ```swift
/// var resident = ResidentSet(budgetMB: 1000)
/// let schedule = BatchPlanner.schedule(calls, models: footprints, resident: &resident)
/// for group in schedule.groups { /* unload group.unloadFirst, load group.model, run group.calls */ }
/// ```
public enum BatchPlanner {
    /// Calls that run together on one loaded model, and the models to unload before loading it.
    public struct Group<ID: Hashable & Sendable>: Sendable, Hashable {
        public var model: String
        public var calls: [ID]
        public var loads: Bool
        public var unloadFirst: [String]
    }

    /// The groups of a stage in execution order, with the loads and unloads they need.
    public struct Schedule<ID: Hashable & Sendable>: Sendable, Hashable {
        public var groups: [Group<ID>]
        public var loads: Int { groups.filter(\.loads).count }
        public var unloads: Int { groups.map(\.unloadFirst.count).reduce(0, +) }
    }

    /// Schedules one stage. `calls` pairs each call with its model key; `models` must hold every key;
    /// `resident` is updated to what is resident afterwards.
    public static func schedule<ID: Hashable & Sendable>(
        _ calls: [(id: ID, model: String)],
        models: [String: ModelFootprint],
        resident: inout ResidentSet,
        upcoming: Set<String> = []
    ) -> Schedule<ID> {
        var members: [String: [ID]] = [:]
        var order: [String] = []
        for call in calls {
            if members[call.model] == nil { order.append(call.model) }
            members[call.model, default: []].append(call.id)
        }
        let footprint = { (key: String) in models[key] ?? ModelFootprint(key: key, memoryMB: 0, managed: false) }
        let remote = order.filter { !footprint($0).managed }
        let residentKeys = resident.keys
        let upcomingLast = { (keys: [String]) in keys.filter { !upcoming.contains($0) } + keys.filter(upcoming.contains) }
        let warm = upcomingLast(residentKeys.filter { members[$0] != nil })
        let cold = upcomingLast(order.filter { footprint($0).managed && !resident.contains($0) })
        var groups: [Group<ID>] = []
        for key in remote + warm + cold {
            let change = resident.use(footprint(key))
            groups.append(Group(model: key, calls: members[key]!, loads: change.loaded, unloadFirst: change.unloaded))
        }
        return Schedule(groups: groups)
    }

    /// The baseline: instances one after another, each stage's calls in plan order, loading whatever the
    /// next call needs. Returns how many loads and unloads that order costs.
    public static func naiveCost(plans: [[[String]]], models: [String: ModelFootprint], budgetMB: Int?) -> (loads: Int, unloads: Int) {
        var resident = ResidentSet(budgetMB: budgetMB)
        for plan in plans {
            for stage in plan {
                for model in stage { resident.use(models[model] ?? ModelFootprint(key: model, memoryMB: 0, managed: false)) }
            }
        }
        return (resident.loads, resident.unloads)
    }
}
