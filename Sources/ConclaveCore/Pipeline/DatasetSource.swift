/// One row of a dataset: an instance, or the reason its line was skipped (with the line number).
public enum DatasetRow: Sendable {
    case instance(Instance)
    case invalid(Diagnostic)
}

/// Where a run's instances come from: the engine reads its dataset through this seam, so a run can be fed
/// a JSONL file (`DatasetReader` in ConclaveConfig) or rows built in memory.
///
/// ```swift
/// let dataset: any DatasetSource = DatasetReader(url: pipeline.spec.dataset)
/// for case .instance(let instance) in try dataset.rows() { print(instance.id) }
/// ```
public protocol DatasetSource: Sendable {
    /// Every row, in order; throws when the source cannot be opened.
    func rows() throws -> any Sequence<DatasetRow>
    /// How many rows `rows()` gives (the progress total), counted cheaply where the source can.
    func instanceCount() throws -> Int
}
