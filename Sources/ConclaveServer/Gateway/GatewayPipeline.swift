import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation

/// A served pipeline as the OpenAI-compatible endpoint uses it: an answerer (with its decision maker) for
/// the pipeline's own mode and for each mode a request may pin (`model: "quickstart/debate"`), all
/// recording into the pipeline's gateway run.
struct GatewayPipeline: Sendable {
    let name: String
    let answerers: [CollaborationMode?: InstanceAnswerer]
    let registry: Registry

    /// The run the endpoint's requests of pipeline `name` are stored in.
    static func runID(_ name: String) -> String { "gateway-\(name)" }

    init(
        name: String,
        pipeline: LoadedPipeline,
        connector: any ExpertConnector,
        store: any RunStore,
        observer: any RunObserver
    ) {
        self.name = name
        var answerers: [CollaborationMode?: InstanceAnswerer] = [:]
        for mode in [nil] + CollaborationMode.allCases.map(Optional.some) {
            var pinned = pipeline
            if let mode { pinned.spec.collaboration.pin(mode) }
            answerers[mode] = InstanceAnswerer(pipeline: pinned, connector: connector, store: store, observer: observer, runID: Self.runID(name))
        }
        self.answerers = answerers
        registry = pipeline.registry
    }

    /// Whether the answerer for `mode` can decide on a pass-through at all: its mode may come out `single`
    /// (the pipeline's own, a mode policy's or an exploration's), or a budget may cut a plan down to one
    /// call. The event loop's pass-through asks before deciding, so a request that can only be recruited
    /// goes to the route without a decision made for nothing.
    func mayPassThrough(mode: CollaborationMode?) -> Bool {
        guard let decider = answerers[mode]?.decider else { return false }
        return decider.collaboration.mode == .single || decider.modePolicy != nil || decider.exploration != nil
            || decider.instanceBudget != nil || decider.instanceTokenBudget != nil
    }

    /// The experts a decision is forwarded to, in order, when it is one expert in `single` mode: that
    /// expert, then the others the recruiter ranked, by weight. Nil when the decision needs Conclave to
    /// run it.
    func passThrough(_ decision: Decision) -> [Expert]? {
        let plan = decision.plan
        guard plan.mode == .single, plan.agents.count == 1, let first = registry.expert(plan.agents[0].expert) else { return nil }
        let others = decision.recruitment.scores.expertsByWeight().filter { $0 != first.id }
        return [first] + others.compactMap { registry.expert($0) }
    }
}
