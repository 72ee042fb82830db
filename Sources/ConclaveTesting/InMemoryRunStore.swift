import ConclaveCore
import ConclaveStore
import Foundation
import Synchronization

/// A `RunStore` (and `ProfileStore`) held in memory, for unit tests of the engine that need no file: it
/// keeps runs, decisions, calls, results, profiles and caches as the SQLite store does (the same resume
/// semantics, results in dataset order, calls in stage and seat order) and forgets them with the value.
///
/// ```swift
/// let store = InMemoryRunStore()
/// let runner = Runner(pipeline: p, dataset: p.datasetReader, connector: ScriptedConnector { … }, store: store,
///                     observer: SilentObserver())
/// ```
public final class InMemoryRunStore: RunStore, ProfileStore {
    private struct Run {
        var info: RunInfo
        var positions: [String: Int] = [:]
        var decisions: [String: Decision] = [:]
        var calls: [CallKey: StoredCall] = [:]
        var results: [String: NewResult] = [:]
    }

    private struct Contents {
        var runs: [String: Run] = [:]
        var profiles: [String: [ProfileRecord]] = [:]
        var extractions: [String: SkillExtraction] = [:]
        var responses: [String: CallRecord] = [:]
    }

    private let contents = Mutex(Contents())

    public init() {}

    public func beginRun(_ run: RunInfo) throws -> RunInfo {
        contents.withLock { contents in
            if contents.runs[run.id] == nil {
                contents.runs[run.id] = Run(info: run)
            } else {
                contents.runs[run.id]?.info.status = .running
                contents.runs[run.id]?.info.updatedAt = Date()
            }
            return Self.info(contents.runs[run.id] ?? Run(info: run))
        }
    }

    public func finishRun(_ id: String, status: RunInfo.Status, loads: Int, unloads: Int) throws {
        contents.withLock { contents in
            contents.runs[id]?.info.status = status
            contents.runs[id]?.info.updatedAt = Date()
            contents.runs[id]?.info.modelLoads += loads
            contents.runs[id]?.info.modelUnloads += unloads
        }
    }

    public func runs() throws -> [RunInfo] {
        contents.withLock { $0.runs.values.map(Self.info).sorted { $0.createdAt > $1.createdAt } }
    }

    public func run(_ id: String) throws -> RunInfo? { contents.withLock { $0.runs[id].map(Self.info) } }

    public func decisions(run: String, instances: [String]) throws -> [String: Decision] {
        contents.withLock { contents in
            guard let stored = contents.runs[run] else { return [:] }
            return stored.decisions.filter { instances.contains($0.key) }
        }
    }

    public func saveDecisions(run: String, _ decisions: [NewDecision]) throws {
        contents.withLock { contents in
            for entry in decisions {
                let id = entry.decision.instanceID
                if contents.runs[run]?.positions[id] == nil { contents.runs[run]?.positions[id] = entry.position }
                contents.runs[run]?.decisions[id] = entry.decision
            }
        }
    }

    public func completedCalls(run: String, instances: [String]) throws -> [CallKey: CallRecord] {
        contents.withLock { contents in
            let wanted = Set(instances)
            var found: [CallKey: CallRecord] = [:]
            for (key, call) in contents.runs[run]?.calls ?? [:] where wanted.contains(key.instanceID) && call.record.succeeded {
                found[key] = call.record
            }
            return found
        }
    }

    public func saveCalls(run: String, _ calls: [StoredCall]) throws {
        let now = Date()
        contents.withLock { contents in
            for var call in calls {
                call.savedAt = now
                contents.runs[run]?.calls[call.key] = call
            }
        }
    }

    public func calls(run: String, instance: String) throws -> [StoredCall] {
        contents.withLock { contents in
            // As the SQLite store lists them: stage names descending, then rounds, then seats (the
            // aggregator's none first).
            (contents.runs[run]?.calls.values.filter { $0.key.instanceID == instance } ?? []).sorted { a, b in
                if a.key.stage != b.key.stage { return a.key.stage.rawValue > b.key.stage.rawValue }
                if a.key.round != b.key.round { return a.key.round < b.key.round }
                return (a.key.seat ?? -1) < (b.key.seat ?? -1)
            }
        }
    }

    public func spent(run: String) throws -> Spend {
        contents.withLock { ($0.runs[run]?.calls.values.map(\.record.spend) ?? []).reduce(.zero, +) }
    }

    public func answeredInstances(run: String, among ids: [String]) throws -> Set<String> {
        contents.withLock { contents in
            Set(ids.filter { contents.runs[run]?.results[$0]?.result.status == .answered })
        }
    }

    public func saveResults(run: String, _ results: [NewResult]) throws {
        contents.withLock { contents in
            for entry in results { contents.runs[run]?.results[entry.result.id] = entry }
        }
    }

    public func forEachResult(run: String, _ body: (InstanceResult) throws -> Void) throws {
        for entry in orderedResults(run) { try body(entry.result) }
    }

    public func forEachResultJSON(run: String, _ body: (String) throws -> Void) throws {
        for entry in orderedResults(run) { try body(entry.result.resultsJSON) }
    }

    public func resultsPage(run: String, after: Int, limit: Int) throws -> (lines: [String], last: Int?) {
        let page = orderedResults(run).filter { $0.position > after }.prefix(max(0, limit))
        return (page.map(\.result.resultsJSON), page.last?.position)
    }

    public func result(run: String, instance: String) throws -> InstanceResult? {
        contents.withLock { $0.runs[run]?.results[instance]?.result }
    }

    public func cachedResponse(_ requestHash: String) throws -> CallRecord? { contents.withLock { $0.responses[requestHash] } }

    public func cacheResponse(_ requestHash: String, _ record: CallRecord) throws {
        contents.withLock { $0.responses[requestHash] = record }
    }

    public func cachedExtractions(extractor: String, textHashes: [String]) throws -> [String: SkillExtraction] {
        contents.withLock { contents in
            var found: [String: SkillExtraction] = [:]
            for hash in textHashes { found[hash] = contents.extractions[extractor + "\u{0}" + hash] }
            return found
        }
    }

    public func cacheExtractions(extractor: String, _ entries: [CachedExtraction]) throws {
        contents.withLock { contents in
            for entry in entries { contents.extractions[extractor + "\u{0}" + entry.textHash] = entry.extraction }
        }
    }

    public func saveProfile(_ record: ProfileRecord) throws -> ProfileRecord {
        contents.withLock { contents in
            var saved = record
            saved.version = (contents.profiles[record.expert]?.map(\.version).max() ?? 0) + 1
            contents.profiles[record.expert, default: []].append(saved)
            return saved
        }
    }

    public func profiles(expert: String) throws -> [ProfileRecord] {
        contents.withLock { ($0.profiles[expert] ?? []).sorted { $0.version > $1.version } }
    }

    private func orderedResults(_ run: String) -> [NewResult] {
        contents.withLock { ($0.runs[run]?.results.values).map { $0.sorted { $0.position < $1.position } } ?? [] }
    }

    /// The run with its totals counted from its instances and results, as the SQLite store reports them.
    private static func info(_ run: Run) -> RunInfo {
        var info = run.info
        info.instances = run.positions.count
        let results = run.results.values.map(\.result)
        info.answered = results.filter { $0.status == .answered }.count
        info.failed = results.filter { $0.status == .failed }.count
        info.graded = results.filter { $0.correct != nil }.count
        info.correct = results.filter { $0.correct == true }.count
        info.cost = results.map(\.cost).reduce(0, +)
        let calls = results.flatMap { $0.responses + ($0.aggregation.map { [$0] } ?? []) }
        info.calls = calls.count
        info.failedCalls = calls.filter { !$0.succeeded }.count
        info.inputTokens = results.map(\.inputTokens).reduce(0, +)
        info.outputTokens = results.map(\.outputTokens).reduce(0, +)
        return info
    }
}
