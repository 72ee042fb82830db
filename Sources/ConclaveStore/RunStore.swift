import ConclaveCore
import Foundation

/// Identifies one call of a run: the instance, the stage and the seat (nil for the aggregator of a run).
/// A resumed run skips every key that already has a successful call.
public struct CallKey: Sendable, Hashable, Codable {
    public var instanceID: String
    public var stage: Stage
    public var round: Int
    public var seat: Int?

    public init(instanceID: String, stage: Stage, round: Int = 0, seat: Int?) {
        self.instanceID = instanceID
        self.stage = stage
        self.round = round
        self.seat = seat
    }

    /// The key of a planned call.
    public init(_ call: PlannedCall) {
        self.init(instanceID: call.instanceID, stage: call.stage, round: call.round, seat: call.seat)
    }
}

/// A run as the store knows it: what ran, how far it got, what it cost.
public struct RunInfo: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable { case running, completed, stopped, failed }

    public var id: String
    public var pipeline: String
    public var pipelinePath: String
    public var dataset: String
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date
    public var instances = 0
    public var answered = 0
    public var failed = 0
    public var graded = 0
    public var correct = 0
    public var calls = 0
    public var failedCalls = 0
    public var cost = 0.0
    public var inputTokens = 0
    public var outputTokens = 0
    public var modelLoads = 0
    public var modelUnloads = 0

    public init(id: String, pipeline: String, pipelinePath: String, dataset: String, status: Status, createdAt: Date) {
        self.id = id
        self.pipeline = pipeline
        self.pipelinePath = pipelinePath
        self.dataset = dataset
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public var accuracy: Double? { graded == 0 ? nil : Double(correct) / Double(graded) }
}

/// A call as persisted: its key, what was asked (request hash and prompt) and what came back.
public struct StoredCall: Sendable, Hashable, Codable {
    public var key: CallKey
    public var requestHash: String
    public var prompt: [ChatMessage]
    /// `prompt` as JSON, computed where the call is made, so concurrent calls share the encoding work
    /// instead of queueing it behind the commit.
    public let promptJSON: String
    public var record: CallRecord
    /// When the store saved it; nil before it is saved.
    public var savedAt: Date?

    public init(key: CallKey, requestHash: String, prompt: [ChatMessage], record: CallRecord, savedAt: Date? = nil) {
        self.key = key
        self.requestHash = requestHash
        self.prompt = prompt
        self.promptJSON = prompt.jsonText
        self.record = record
        self.savedAt = savedAt
    }
}

/// Where runs live: every decision, call and result is written as soon as it exists, so a stopped or
/// crashed run resumes where it was. SQLite (`SQLiteRunStore`) is the default.
public protocol RunStore: ExtractionCache {
    /// Starts a run, or returns the stored one with the same id for resuming.
    func beginRun(_ run: RunInfo) async throws -> RunInfo
    func finishRun(_ id: String, status: RunInfo.Status, loads: Int, unloads: Int) async throws
    func runs() async throws -> [RunInfo]
    func run(_ id: String) async throws -> RunInfo?

    /// Decisions already made for these instances.
    func decisions(run: String, instances: [String]) async throws -> [String: Decision]
    func saveDecisions(run: String, _ decisions: [NewDecision]) async throws

    /// Successful calls already made for these instances.
    func completedCalls(run: String, instances: [String]) async throws -> [CallKey: CallRecord]
    /// Saves calls in one transaction (the runner's group commit hands it every call that finished together).
    func saveCalls(run: String, _ calls: [StoredCall]) async throws
    func calls(run: String, instance: String) async throws -> [StoredCall]
    /// What the run's stored calls spent in all, money and tokens (for its budget when it resumes).
    func spent(run: String) async throws -> Spend

    /// Instances that already have an answered result.
    func answeredInstances(run: String, among: [String]) async throws -> Set<String>
    /// Saves a window's results, with each result's dataset position, in one transaction.
    func saveResults(run: String, _ results: [NewResult]) async throws
    /// Saves decisions, calls and results together, in one transaction where the store can (SQLite and
    /// PostgreSQL do): for work that is only worth keeping whole, such as one request to the
    /// OpenAI-compatible endpoint.
    func saveWindow(run: String, decisions: [NewDecision], calls: [StoredCall], results: [NewResult]) async throws
    /// Every result of the run in dataset order, one at a time (constant memory).
    func forEachResult(run: String, _ body: (InstanceResult) throws -> Void) async throws
    /// The same, as the JSON lines `results.jsonl` holds, without decoding them.
    func forEachResultJSON(run: String, _ body: (String) throws -> Void) async throws
    func result(run: String, instance: String) async throws -> InstanceResult?
    /// Up to `limit` result lines after dataset position `after` (−1 for the first page), with the position
    /// of the last one: a page of `results.jsonl` for the job API's cursor.
    func resultsPage(run: String, after: Int, limit: Int) async throws -> (lines: [String], last: Int?)

    /// A response served earlier for the same request hash, if caching is on.
    func cachedResponse(_ requestHash: String) async throws -> CallRecord?
    func cacheResponse(_ requestHash: String, _ record: CallRecord) async throws
}

extension RunStore {
    /// One save after the other: a store with transactions of its own writes them in one.
    public func saveWindow(run: String, decisions: [NewDecision], calls: [StoredCall], results: [NewResult]) async throws {
        if !decisions.isEmpty { try await saveDecisions(run: run, decisions) }
        if !calls.isEmpty { try await saveCalls(run: run, calls) }
        if !results.isEmpty { try await saveResults(run: run, results) }
    }
}

/// The model extractor's results, kept per instance text and extractor (its expert, samples, vocabulary and
/// embedding settings, summed up in one fingerprint), so the same text is never extracted twice.
public protocol ExtractionCache: Sendable {
    /// The cached extractions among these text hashes.
    func cachedExtractions(extractor: String, textHashes: [String]) async throws -> [String: SkillExtraction]
    func cacheExtractions(extractor: String, _ entries: [CachedExtraction]) async throws
}

/// A decision to save: the instance's position in the dataset, its question text (for `decisions show`)
/// and the decision.
public struct NewDecision: Sendable {
    public var position: Int
    public var question: String
    public var decision: Decision

    public init(position: Int, question: String, decision: Decision) {
        self.position = position
        self.question = question
        self.decision = decision
    }
}

/// A result to save, with its instance's position in the dataset (results are listed in dataset order).
public struct NewResult: Sendable {
    public var position: Int
    public var result: InstanceResult

    public init(position: Int, result: InstanceResult) {
        self.position = position
        self.result = result
    }
}

/// A model extractor's output for one question text, cached by the text's hash.
public struct CachedExtraction: Sendable {
    public var textHash: String
    public var extraction: SkillExtraction

    public init(textHash: String, extraction: SkillExtraction) {
        self.textHash = textHash
        self.extraction = extraction
    }
}
