import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation
import Synchronization

/// The state of one `Runner.run`: decisions, residency, and the window-by-window, stage-by-stage
/// execution with persistence of every call.
struct RunSession {
    let pipeline: LoadedPipeline
    let connector: any ExpertConnector
    let store: any RunStore
    let observer: any RunObserver
    let runID: String
    /// The run each instance of a window belongs to when the window holds instances of several runs (a
    /// worker's micro-batch across jobs of one pipeline; instance ids are unique within it); an instance
    /// not listed belongs to `runID`.
    let lanes: RunLanes
    let mode: RunMode
    let stop: StopSignal
    let decider: DecisionMaker
    /// The pipeline's model extractor; nil for the lexical one.
    let extractor: ModelSkillExtractor?
    /// The vocabulary's embeddings, fetched once per run when the extractor maps by embedding.
    var termVectors: [[Double]]?
    let catalog: ModelCatalog
    var resident: ResidentSet
    let committer: GroupCommitter<StoredCall>
    /// When the window's decisions, calls and results reach the store.
    let persistence: Persistence
    /// The calls a `whenDone` window has made so far.
    private let heldCalls = HeldCalls()
    /// What the run spent against `spec.budget`, including earlier sessions of the same run.
    let budget: BudgetAccount
    /// Where the pieces of each instance's final answer go as it is generated (instance id, text), for a
    /// streaming client; nil when nobody is waiting for them.
    var finalDeltas: (@Sendable (String, String) async -> Void)?
    /// The window's calls whose answer is streamed to `finalDeltas`.
    private var streamed: Set<CallKey> = []
    private(set) var loads = 0
    private(set) var unloads = 0

    init(
        pipeline: LoadedPipeline,
        connector: any ExpertConnector,
        store: any RunStore,
        observer: any RunObserver,
        runID: String,
        mode: RunMode,
        stop: StopSignal,
        spent: Spend = .zero,
        lanes: RunLanes = RunLanes(),
        decider: DecisionMaker? = nil,
        persistence: Persistence = .asItHappens
    ) {
        self.persistence = persistence
        self.lanes = lanes
        self.budget = BudgetAccount(budget: pipeline.spec.budget, spent: spent)
        self.pipeline = pipeline
        self.connector = connector
        self.store = store
        self.observer = observer
        self.runID = runID
        self.mode = mode
        self.stop = stop
        let spec = pipeline.spec
        self.decider = decider ?? DecisionMaker(pipeline: pipeline, replacingRareExperts: mode == .answer)
        if case .model(let extractorSpec) = spec.extractor {
            extractor = ModelSkillExtractor(spec: extractorSpec, registry: pipeline.registry)
        } else {
            extractor = nil
        }
        catalog = ModelCatalog(registry: pipeline.registry)
        resident = ResidentSet(budgetMB: spec.residentMemoryMB, maxModels: spec.residentModels)
        committer = GroupCommitter { [store, heldCalls] calls in
            guard persistence == .asItHappens else { return heldCalls.add(calls) }
            for (run, part) in lanes.split(calls, by: \.key.instanceID, default: runID) { try await store.saveCalls(run: run, part) }
        }
    }

    /// When a window's decisions, calls and results reach the store.
    enum Persistence {
        /// Each as soon as it exists: a crash loses nothing, and the next session resumes (runs, jobs).
        case asItHappens
        /// All in one write when the window is done or stopped by an error (the OpenAI-compatible
        /// endpoint, whose requests are answered or fail, and are never resumed).
        case whenDone
    }

    /// The calls of a `whenDone` window, held until it is written.
    private final class HeldCalls: Sendable {
        private let calls = Mutex<[StoredCall]>([])

        func add(_ more: [StoredCall]) { calls.withLock { $0 += more } }

        func take() -> [StoredCall] {
            calls.withLock { held in
                defer { held = [] }
                return held
            }
        }
    }

    /// What `process` made of a window: the results it saved (none for instances an earlier session
    /// answered) and the decision of every instance it ran.
    struct Processed {
        var results: [NewResult] = []
        var decisions: [String: Decision] = [:]
    }

    /// Runs one window of instances to results, skipping what an earlier session already finished.
    /// A run with nothing stored yet (`resuming` false) skips the lookups of earlier work.
    @discardableResult
    mutating func process(_ window: [(position: Int, instance: Instance)], resuming: Bool) async throws -> Processed {
        var answered: Set<String> = []
        if resuming {
            for (run, ids) in lanes.split(window.map(\.instance.id), by: \.self, default: runID) {
                answered.formUnion(try await store.answeredInstances(run: run, among: ids))
            }
        }
        if !answered.isEmpty { observer.alreadyDone(answered.count) }
        let todo = window.filter { !answered.contains($0.instance.id) }
        guard !todo.isEmpty else { return Processed() }
        let ids = todo.map(\.instance.id)
        var decisions: [String: Decision] = [:]
        var outcomes: [CallKey: CallRecord] = [:]
        if resuming {
            for (run, part) in lanes.split(ids, by: \.self, default: runID) {
                decisions.merge(try await store.decisions(run: run, instances: part)) { first, _ in first }
                outcomes.merge(try await store.completedCalls(run: run, instances: part)) { first, _ in first }
            }
        }
        try checkExperts(of: decisions)
        for (key, record) in outcomes { budget.noteSpent(record.spend, instance: key.instanceID) }
        let undecided = todo.filter { decisions[$0.instance.id] == nil }
        let extractions = try await extractSkills(undecided.map(\.instance), outcomes: &outcomes)
        var decided = undecided.concurrentMap { decide($0.instance, extraction: extractions[$0.instance.id]) }
        decider.replaceRareExperts(in: &decided)
        let fresh = zip(undecided, decided).map { NewDecision(position: $0.position, question: $0.instance.text, decision: $1) }
        for decision in decided { decisions[decision.instanceID] = decision }
        // Decisions are saved while the experts answer; a crash before they land only means the next
        // session makes the same (seeded) decisions again.
        let savingDecisions: Task<Void, Error>? =
            persistence == .whenDone
            ? nil
            : Task { [store, runID, lanes] in
                for (run, part) in lanes.split(fresh, by: \.decision.instanceID, default: runID) { try await store.saveDecisions(run: run, part) }
            }
        let instances = Dictionary(todo.map { ($0.instance.id, $0.instance) }, uniquingKeysWith: { first, _ in first })

        if finalDeltas != nil { streamed = Set(ids.compactMap { decisions[$0].flatMap(Self.finalCall(of:)) }) }
        do {
            try await runRounds(ids, decisions: decisions, instances: instances, outcomes: &outcomes)
            if mode == .answer { try await aggregate(ids, decisions: decisions, instances: instances, outcomes: &outcomes) }
        } catch {
            if let savingDecisions { _ = try? await savingDecisions.value } else { try? await saveTogether(fresh, results: []) }
            throw error
        }

        let grader = ResultGrader(spec: pipeline.spec, gradesAggregation: mode == .answer)
        let results = todo.concurrentMap { position, instance in
            let decision = decisions[instance.id]!
            let responses = Planner.agentCalls(for: decision).compactMap { outcomes[CallKey($0)] }
            let aggregation = mode == .answer ? Planner.aggregatorCalls(for: decision).first.flatMap { outcomes[CallKey($0)] } : nil
            return NewResult(
                position: position,
                result: grader.result(for: instance, decision: decision, responses: responses, aggregation: aggregation)
            )
        }
        if let savingDecisions {
            try await savingDecisions.value
            for (run, part) in lanes.split(results, by: \.result.id, default: runID) { try await store.saveResults(run: run, part) }
        } else {
            try await saveTogether(fresh, results: results)
        }
        for entry in results { observer.instanceFinished(entry.result) }
        return Processed(results: results, decisions: decisions)
    }

    /// Writes what a `whenDone` window made (its decisions, the calls held so far and its results): one
    /// write per run it holds instances of.
    private func saveTogether(_ decisions: [NewDecision], results: [NewResult]) async throws {
        var parts: [String: (decisions: [NewDecision], calls: [StoredCall], results: [NewResult])] = [:]
        for (run, part) in lanes.split(decisions, by: \.decision.instanceID, default: runID) { parts[run, default: ([], [], [])].decisions = part }
        for (run, part) in lanes.split(heldCalls.take(), by: \.key.instanceID, default: runID) { parts[run, default: ([], [], [])].calls = part }
        for (run, part) in lanes.split(results, by: \.result.id, default: runID) { parts[run, default: ([], [], [])].results = part }
        for (run, part) in parts.sorted(by: { $0.key < $1.key }) {
            try await store.saveWindow(run: run, decisions: part.decisions, calls: part.calls, results: part.results)
        }
    }

    /// Runs the agents' rounds: each round's calls across the window, grouped per model, before the next.
    /// A call is made once at least one of the answers it is given exists (round 0 needs none); a profiling
    /// run has a single round.
    private mutating func runRounds(
        _ ids: [String],
        decisions: [String: Decision],
        instances: [String: Instance],
        outcomes: inout [CallKey: CallRecord]
    ) async throws {
        let registry = pipeline.registry
        let rounds = ids.map { decisions[$0]!.plan.roundCount }.max() ?? 1
        let aggregatorModel = registry.expert(pipeline.spec.aggregatorExpert).map(\.runtime.modelKey)
        for round in 0..<rounds {
            let answered = outcomes
            let calls = ids.flatMap { id in
                let plan = decisions[id]!.plan
                return Planner.calls(for: decisions[id]!, round: round).filter { call in
                    round == 0 || plan.inputs(round: round, seat: call.seat ?? 0).contains { answered[Self.key(id, $0)]?.succeeded == true }
                }
            }
            let next = Set(
                ids.flatMap { Planner.calls(for: decisions[$0]!, round: round + 1) }.compactMap { registry.expert($0.expert)?.runtime.modelKey }
            )
            let upcoming = round + 1 < rounds ? next : (mode == .answer ? Set(aggregatorModel.map { [$0] } ?? []) : [])
            try await execute(calls, step: PlanStep(.expert, round: round), outcomes: &outcomes, upcoming: upcoming) { call in
                let decision = decisions[call.instanceID]!
                let inputs = decision.plan.inputs(round: call.round, seat: call.seat ?? 0).compactMap { slot -> Contribution? in
                    guard let text = answered[Self.key(call.instanceID, slot)]?.text else { return nil }
                    return Contribution(
                        round: slot.round,
                        seat: slot.seat,
                        role: decision.plan.agents.first { $0.seat == slot.seat }?.role,
                        text: text
                    )
                }
                return Prompts.agent(
                    instance: instances[call.instanceID]!,
                    turn: decision.plan.turn(round: call.round),
                    seat: call.seat ?? 0,
                    role: call.role.flatMap(registry.role(named:)),
                    expert: registry.expert(call.expert)!,
                    inputs: inputs
                )
            }
        }
    }

    /// Runs the aggregator's calls of the instances whose plan ends with one and whose last round has an
    /// answer; its prompt holds the last round's successful answers in seat order.
    private mutating func aggregate(
        _ ids: [String],
        decisions: [String: Decision],
        instances: [String: Instance],
        outcomes: inout [CallKey: CallRecord]
    ) async throws {
        let answered = outcomes
        let finalTexts = { (decision: Decision) in
            Planner.finalCalls(for: decision).compactMap { answered[CallKey($0)]?.text }
        }
        let calls = ids.filter { !finalTexts(decisions[$0]!).isEmpty }.flatMap { Planner.aggregatorCalls(for: decisions[$0]!) }
        let role = pipeline.spec.aggregatorRole.flatMap(pipeline.registry.role(named:))
        try await execute(calls, step: PlanStep(.aggregator), outcomes: &outcomes, upcoming: []) { call in
            Prompts.aggregation(instance: instances[call.instanceID]!, responses: finalTexts(decisions[call.instanceID]!), role: role)
        }
    }

    /// Refuses stored decisions that name an expert the registry no longer has, before any call is made.
    private func checkExperts(of decisions: [String: Decision]) throws {
        for (instance, decision) in decisions.sorted(by: { $0.key < $1.key }) {
            for expert in decision.recruitment.team + [decision.aggregator] where !expert.isEmpty && pipeline.registry.expert(expert) == nil {
                throw RunMismatch(
                    runID: runID,
                    differences: ["instance '\(instance)' was decided with expert '\(expert)', which the registry no longer has"]
                )
            }
        }
    }

    /// The instance's decision: a recruited team, or every expert when profiling.
    private func decide(_ instance: Instance, extraction: SkillExtraction?) -> Decision {
        decider.decide(for: instance, extraction: extraction, everyExpert: mode == .profile)
    }

    /// The call whose answer becomes the final answer as it is: the aggregator's, or the last round's last
    /// seat when the collaboration ends with it; none for a vote.
    static func finalCall(of decision: Decision) -> CallKey? {
        switch decision.plan.finish {
        case .aggregator: Planner.aggregatorCalls(for: decision).first.map(CallKey.init)
        case .last: Planner.finalCalls(for: decision).last.map(CallKey.init)
        case .vote: nil
        }
    }

    /// The key of an agent's call at a slot of an instance's collaboration.
    static func key(_ instanceID: String, _ slot: Slot) -> CallKey {
        CallKey(instanceID: instanceID, stage: .expert, round: slot.round, seat: slot.seat)
    }

    /// Runs the calls of one step that have no successful outcome yet, in the planner's groups; `messages`
    /// gives each call's prompt. A step with no calls at all is not announced.
    mutating func execute(
        _ calls: [PlannedCall],
        step: PlanStep,
        outcomes: inout [CallKey: CallRecord],
        upcoming: Set<String>,
        messages: (PlannedCall) -> [ChatMessage]
    ) async throws {
        guard !calls.isEmpty else { return }
        let pending = calls.filter { outcomes[CallKey($0)] == nil }
        observer.stageStarted(step, calls: pending.count)
        guard !pending.isEmpty else { return }
        let registry = pipeline.registry
        let schedule = BatchPlanner.schedule(
            pending.map { (id: $0, model: registry.expert($0.expert)!.runtime.modelKey) },
            models: catalog.footprints,
            resident: &resident,
            upcoming: upcoming
        )
        for group in schedule.groups {
            if stop.isRequested { throw RunStopped(runID: runID) }
            for model in group.unloadFirst { await connector.unload(modelKey: model) }
            unloads += group.unloadFirst.count
            if group.loads {
                loads += 1
                observer.modelLoaded(group.model)
            }
            observer.loading(model: group.model)
            let requests = group.calls.map { call in
                CallRequest(call: call, expert: registry.expert(call.expert)!, messages: messages(call))
            }
            let executor = CallExecutor(
                connector: connector,
                store: store,
                observer: observer,
                runID: runID,
                stop: stop,
                cache: pipeline.spec.cache,
                committer: committer,
                budget: budget,
                finalDeltas: finalDeltas.map { FinalDeltas(keys: streamed, sink: $0) }
            )
            for (call, record) in try await executor.run(requests) { outcomes[CallKey(call)] = record }
            if stop.isRequested { throw RunStopped(runID: runID) }
        }
    }
}
