import Foundation

/// A run id that cannot be resumed by this invocation: it was started with another pipeline or dataset, or
/// its stored decisions name experts the registry no longer has. Resuming would mix two runs under one id.
///
/// ```swift
/// do { try await runner.checkResumable("nightly") } catch let mismatch as RunMismatch { print(mismatch) }
/// ```
public struct RunMismatch: Error, CustomStringConvertible, Sendable {
    public var runID: String
    /// What differs, one phrase each ("dataset a.jsonl then, b.jsonl now").
    public var differences: [String]

    public var description: String {
        "run '\(runID)' cannot be resumed by this invocation: " + differences.joined(separator: "; ")
            + ". Resume it with the pipeline, dataset and experts it was started with, or start a new run with another --run-id."
    }
}

extension Runner {
    /// Throws `RunMismatch` when `runID` exists in the store and was started with another pipeline (name
    /// or file) or dataset; a new run id passes.
    public func checkResumable(_ runID: String) async throws {
        guard let existing = try await store.run(runID) else { return }
        let spec = pipeline.spec
        var differences: [String] = []
        if existing.pipeline != spec.name { differences.append("pipeline '\(existing.pipeline)' then, '\(spec.name)' now") }
        if Self.standardized(existing.pipelinePath) != Self.standardized(spec.file.path) {
            differences.append("pipeline file \(existing.pipelinePath) then, \(spec.file.path) now")
        }
        if Self.standardized(existing.dataset) != Self.standardized(spec.dataset.path) {
            differences.append("dataset \(existing.dataset) then, \(spec.dataset.path) now")
        }
        if !differences.isEmpty { throw RunMismatch(runID: runID, differences: differences) }
    }

    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
