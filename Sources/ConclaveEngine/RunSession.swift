import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// The state of one `Runner.run`: decisions, residency, and the window-by-window, stage-by-stage
/// execution with persistence of every call.
struct RunSession {
    let pipeline: LoadedPipeline
    let connector: any ExpertConnector
    let store: any RunStore
    let observer: any RunObserver
    let runID: String
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
    /// What the run spent against `spec.budget`, including earlier sessions of the same run.
    let budget: BudgetAccount
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
        spent: Double = 0
    ) {
        self.budget = BudgetAccount(budget: pipeline.spec.budget, spent: spent)
        self.pipeline = pipeline
        self.connector = connector
        self.store = store
        self.observer = observer
        self.runID = runID
        self.mode = mode
        self.stop = stop
        let spec = pipeline.spec
        decider = DecisionMaker(pipeline: pipeline, replacingRareExperts: mode == .answer)
        if case .model(let extractorSpec) = spec.extractor {
            extractor = ModelSkillExtractor(spec: extractorSpec, registry: pipeline.registry)
        } else {
            extractor = nil
        }
        catalog = ModelCatalog(registry: pipeline.registry)
        resident = ResidentSet(budgetMB: spec.residentMemoryMB, maxModels: spec.residentModels)
        committer = GroupCommitter { [store] calls in try store.saveCalls(run: runID, calls) }
    }

    /// Runs one window of instances to results, skipping what an earlier session already finished.
    /// A run with nothing stored yet (`resuming` false) skips the lookups of earlier work.
    mutating func process(_ window: [(position: Int, instance: Instance)], resuming: Bool) async throws {
        let answered = resuming ? try store.answeredInstances(run: runID, among: window.map(\.instance.id)) : []
        if !answered.isEmpty { observer.alreadyDone(answered.count) }
        let todo = window.filter { !answered.contains($0.instance.id) }
        guard !todo.isEmpty else { return }
        let ids = todo.map(\.instance.id)
        var decisions = resuming ? try store.decisions(run: runID, instances: ids) : [:]
        try checkExperts(of: decisions)
        var outcomes = resuming ? try store.completedCalls(run: runID, instances: ids) : [:]
        for (key, record) in outcomes { budget.noteSpent(record.cost, instance: key.instanceID) }
        let undecided = todo.filter { decisions[$0.instance.id] == nil }
        let extractions = try await extractSkills(undecided.map(\.instance), outcomes: &outcomes)
        var decided = undecided.concurrentMap { decide($0.instance, extraction: extractions[$0.instance.id]) }
        decider.replaceRareExperts(in: &decided)
        let fresh = zip(undecided, decided).map { NewDecision(position: $0.position, question: $0.instance.text, decision: $1) }
        for decision in decided { decisions[decision.instanceID] = decision }
        // Decisions are saved while the experts answer; a crash before they land only means the next
        // session makes the same (seeded) decisions again.
        let savingDecisions = Task { [store, runID] in try store.saveDecisions(run: runID, fresh) }
        let instances = Dictionary(todo.map { ($0.instance.id, $0.instance) }, uniquingKeysWith: { first, _ in first })

        let aggregatorModel = pipeline.registry.expert(pipeline.spec.aggregatorExpert)!.runtime.modelKey
        let expertCalls = ids.flatMap { Planner.calls(for: decisions[$0]!, stage: .expert) }
        do {
            let registry = pipeline.registry
            let role = pipeline.spec.aggregatorRole.flatMap(registry.role(named:))
            try await execute(expertCalls, stage: .expert, outcomes: &outcomes, upcoming: mode == .answer ? [aggregatorModel] : []) {
                Self.messages(
                    for: $0,
                    instance: instances[$0.instanceID]!,
                    decision: decisions[$0.instanceID]!,
                    outcomes: [:],
                    registry: registry,
                    aggregatorRole: role
                )
            }
            if mode == .answer {
                let ready = ids.filter { id in
                    Planner.calls(for: decisions[id]!, stage: .expert).contains { outcomes[Self.key($0)]?.succeeded == true }
                }
                let aggregatorCalls = ready.flatMap { Planner.calls(for: decisions[$0]!, stage: .aggregator) }
                let answered = outcomes
                try await execute(aggregatorCalls, stage: .aggregator, outcomes: &outcomes, upcoming: []) {
                    Self.messages(
                        for: $0,
                        instance: instances[$0.instanceID]!,
                        decision: decisions[$0.instanceID]!,
                        outcomes: answered,
                        registry: registry,
                        aggregatorRole: role
                    )
                }
            }
        } catch {
            _ = try? await savingDecisions.value
            throw error
        }

        let grader = ResultGrader(spec: pipeline.spec, gradesAggregation: mode == .answer)
        let results = todo.concurrentMap { position, instance in
            let decision = decisions[instance.id]!
            let responses = Planner.calls(for: decision, stage: .expert).compactMap { outcomes[Self.key($0)] }
            let aggregation = mode == .answer ? Planner.calls(for: decision, stage: .aggregator).first.flatMap { outcomes[Self.key($0)] } : nil
            return NewResult(
                position: position,
                result: grader.result(for: instance, decision: decision, responses: responses, aggregation: aggregation)
            )
        }
        try await savingDecisions.value
        try store.saveResults(run: runID, results)
        for entry in results { observer.instanceFinished(entry.result) }
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

    static func key(_ call: PlannedCall) -> CallKey {
        CallKey(instanceID: call.instanceID, stage: call.stage, seat: call.seat)
    }

    /// Runs the calls of one stage that have no successful outcome yet, in the planner's groups; `messages`
    /// gives each call's prompt.
    mutating func execute(
        _ calls: [PlannedCall],
        stage: Stage,
        outcomes: inout [CallKey: CallRecord],
        upcoming: Set<String>,
        messages: (PlannedCall) -> [ChatMessage]
    ) async throws {
        let pending = calls.filter { outcomes[Self.key($0)] == nil }
        observer.stageStarted(stage, calls: pending.count)
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
            if group.loads { loads += 1 }
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
                budget: budget
            )
            for (call, record) in try await executor.run(requests) { outcomes[Self.key(call)] = record }
            if stop.isRequested { throw RunStopped(runID: runID) }
        }
    }

    /// An expert's prompt uses the role of the instance's decision; the aggregator's holds the instance's
    /// successful expert responses in seat order.
    private static func messages(
        for call: PlannedCall,
        instance: Instance,
        decision: Decision,
        outcomes: [CallKey: CallRecord],
        registry: Registry,
        aggregatorRole: Role?
    ) -> [ChatMessage] {
        switch call.stage {
        case .extraction:
            return Prompts.extraction(instance: instance)
        case .expert:
            return Prompts.expert(instance: instance, role: decision.role.flatMap(registry.role(named:)), expert: registry.expert(call.expert)!)
        case .aggregator:
            let texts = Planner.calls(for: decision, stage: .expert).compactMap { outcomes[Self.key($0)]?.text }
            return Prompts.aggregation(instance: instance, responses: texts, role: aggregatorRole)
        }
    }
}
