import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import Foundation

/// `conclave explain`: why each expert would be picked for one question, without calling any model.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why each expert is or is not recruited for a question: skills, scores, team, aggregator, expected cost."
    )

    @Argument(help: "The pipeline YAML file.") var pipeline: String
    @Option(help: "A question to explain.") var question: String?
    @Option(help: "The id of an instance of the pipeline's dataset.") var instance: String?
    @Option(help: "Pin the collaboration mode, as `run --mode` does.") var mode: CollaborationMode?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: StoreOption

    func validate() throws {
        if (question == nil) == (instance == nil) { throw ValidationError("give exactly one of --question and --instance") }
    }

    func run() throws {
        var loaded = try loadPipelineOrExit(pipeline)
        if let mode { loaded.spec.collaboration.pin(mode) }
        let spec = loaded.spec
        let decider = DecisionMaker(pipeline: loaded)
        // The instance is decided with the rest of its window, as `run` decides it, so rare-expert
        // replacement applies the same way; a --question stands alone.
        let window = try question.map { [Instance(id: "question", text: $0)] } ?? self.window(holding: instance ?? "", of: spec)
        let extractions = try cachedExtractions(of: window, spec: spec, registry: loaded.registry)
        var decisions = window.map { decider.decide(for: $0, extraction: extractions[$0.id]) }
        decider.replaceRareExperts(in: &decisions)
        let position = question == nil ? window.firstIndex { $0.id == instance } ?? 0 : 0
        let asked = window[position]
        let decision = decisions[position]
        let explanation = Explanation(decision: decision, instance: asked, registry: loaded.registry)
        if json { return try printJSON(explanation) }
        print("question    \(asked.text.prefix(200))\(asked.text.count > 200 ? "…" : "")")
        print("strategy    \(spec.strategy.rawValue), k = \(spec.k), seed \(spec.seed)" + (spec.strategy == .costAware ? ", λ = \(spec.lambda)" : ""))
        if let keywords = decision.keywords {
            print(
                "keywords    from the extractor model (cached): "
                    + (keywords.isEmpty
                        ? "none given consistently"
                        : keywords.map { mapping in
                            "“\(mapping.keyword)” → "
                                + (mapping.skill.map { "\($0) (\(mapping.method.rawValue), \(String(format: "%.2f", mapping.similarity)))" }
                                    ?? "unmapped")
                        }.joined(separator: ", "))
            )
            if SkillMapper.skills(from: keywords).isEmpty {
                print(
                    "skills      none of them maps to a skill, so the lexical ones are used: "
                        + (decision.skills.isEmpty ? "none" : decision.skills.map { "“\($0.term)” → \($0.skill)" }.joined(separator: ", "))
                )
            }
        } else {
            if case .model = spec.extractor {
                print(
                    "note        the extractor model has not seen this question yet (no cached extraction in \(store.resolvedPath)); showing the lexical skills"
                )
            }
            print(
                "keywords    "
                    + (decision.skills.isEmpty
                        ? "none matched the registry vocabulary (lexical extractor): recruited by global strength"
                        : decision.skills.map { "“\($0.term)” → \($0.skill)" }.joined(separator: ", "))
            )
        }
        print("role        \(decision.role ?? "-")\n")
        let skills = decision.skills.map(\.skill)
        print(
            Table.render(
                [["expert"] + skills + ["relevance", "strength", "weight", "seats", "why"]]
                    + decision.recruitment.scores.map { score in
                        [score.expert] + skills.map { skill in score.relevanceBySkill[skill].map { String(format: "%g", $0) } ?? "-" }
                            + [
                                String(format: "%.3f", score.relevance), String(format: "%.3f", score.strength), String(format: "%.4f", score.weight),
                                "\(score.seats)", score.reason,
                            ]
                    }
            )
        )
        print("\nteam        \(decision.recruitment.team.joined(separator: ", "))")
        for line in CollaborationText.lines(for: decision) { print(line) }
        for step in decision.downgrades ?? [] { print("downgraded  \(step)") }
        if spec.replaceRareBelow > 0, question != nil {
            print("note        rare-expert replacement (replace_rare_below) works across a run's window; --instance shows it applied")
        }
        let score = loaded.registry.expert(decision.aggregator).map { ProfileTable.number($0.profile.aggregatorScore) } ?? "?"
        print(
            "aggregator  \(decision.aggregator)" + (spec.aggregatorRole.map { " as \($0)" } ?? "")
                + (spec.aggregatorPinned ? " (pinned by the pipeline; aggregator score \(score))" : " (best aggregator score, \(score))")
        )
        print(
            String(
                format: "expected cost %.6f (agents %.6f over %d calls + aggregator %.6f; prompt ≈ %d tokens, each answer ≤ max_tokens)",
                explanation.expectedCost,
                explanation.expertsCost,
                explanation.agentCalls,
                explanation.aggregatorCost,
                explanation.promptTokens
            )
        )
    }

    /// With a model extractor, the cached results for these instances' texts that a run has extracted.
    private func cachedExtractions(of instances: [Instance], spec: PipelineSpec, registry: Registry) throws -> [String: SkillExtraction] {
        guard case .model(let extractorSpec) = spec.extractor, FileManager.default.fileExists(atPath: store.resolvedPath) else { return [:] }
        let extractor = ModelSkillExtractor(spec: extractorSpec, registry: registry)
        let hashes = instances.map { extractor.textHash(of: $0) }
        let cached = try store.open().cachedExtractions(extractor: extractor.fingerprint, textHashes: Array(Set(hashes)))
        var found: [String: SkillExtraction] = [:]
        for (instance, hash) in zip(instances, hashes) { found[instance.id] = cached[hash] }
        return found
    }

    /// The window of the dataset (in `run`'s windows of `runtime.window` instances) that holds `id`.
    private func window(holding id: String, of spec: PipelineSpec) throws -> [Instance] {
        var window: [Instance] = []
        var holds = false
        for row in try DatasetReader(url: spec.dataset).rows() {
            guard case .instance(let instance) = row else { continue }
            window.append(instance)
            holds = holds || instance.id == id
            if window.count == spec.window {
                if holds { return window }
                window.removeAll(keepingCapacity: true)
            }
        }
        if holds { return window }
        throw ExitStatus.notFound("no instance '\(id)' in \(spec.dataset.path)")
    }

    /// The decision with its expected cost, as `--json` prints it.
    struct Explanation: Encodable {
        var decision: Decision
        var promptTokens: Int
        var agentCalls: Int
        var expertsCost: Double
        var aggregatorCost: Double
        var expectedCost: Double

        /// Each agent call reads the question and every earlier answer its turn is given (each at most its
        /// author's `max_tokens`); the aggregator reads the question and the last round's answers.
        init(decision: Decision, instance: Instance, registry: Registry) {
            self.decision = decision
            let plan = decision.plan
            let tokens = DecisionMaker.promptTokens(instance)
            func answerTokens(_ slots: [Slot]) -> Int {
                slots.compactMap { slot in plan.agents.first { $0.seat == slot.seat }.flatMap { registry.expert($0.expert) }?.sampling.maxTokens }
                    .reduce(0, +)
            }
            var experts = 0.0
            var calls = 0
            for round in 0..<plan.roundCount {
                for agent in plan.agents(inRound: round) {
                    guard let expert = registry.expert(agent.expert) else { continue }
                    experts += expert.expectedCost(promptTokens: tokens + answerTokens(plan.inputs(round: round, seat: agent.seat)))
                    calls += 1
                }
            }
            let aggregator =
                plan.finish == .aggregator
                ? registry.expert(decision.aggregator)?.expectedCost(promptTokens: tokens + answerTokens(plan.finalSlots)) ?? 0 : 0
            promptTokens = tokens
            agentCalls = calls
            expertsCost = experts
            aggregatorCost = aggregator
            expectedCost = experts + aggregator
        }
    }
}
