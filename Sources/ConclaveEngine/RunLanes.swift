/// Which run each instance of a window belongs to, for a window that mixes the instances of several runs
/// (a job worker's micro-batch across jobs of one pipeline, so their calls are grouped per model
/// together). Instance ids are unique within such a window; an instance not listed belongs to the
/// session's own run.
///
/// ```swift
/// let lanes = RunLanes(["q1": "job-a", "q2": "job-b"])
/// lanes.split(["q1", "q2", "q3"], by: \.self, default: "run")   // [("job-a", ["q1"]), ("job-b", ["q2"]), ("run", ["q3"])]
/// ```
public struct RunLanes: Sendable {
    private let runs: [String: String]

    public init(_ runs: [String: String] = [:]) { self.runs = runs }

    /// The run of `instanceID`.
    public func run(of instanceID: String, default run: String) -> String { runs[instanceID] ?? run }

    /// `items` grouped by the run of their instance, runs in order of first appearance, items in order.
    public func split<Item>(_ items: [Item], by instanceID: (Item) -> String, default run: String) -> [(run: String, items: [Item])] {
        guard !runs.isEmpty else { return items.isEmpty ? [] : [(run, items)] }
        var order: [String] = []
        var groups: [String: [Item]] = [:]
        for item in items {
            let owner = self.run(of: instanceID(item), default: run)
            if groups[owner] == nil { order.append(owner) }
            groups[owner, default: []].append(item)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }
}
