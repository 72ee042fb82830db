import ConclaveCore
import Foundation
import Yams

/// Reads a pipeline YAML file into a `PipelineSpec`, reporting every problem with its position, and checks
/// its references against the registry it names.
struct PipelineFile {
    var spec: PipelineSpec?
    var aggregatorNode: Node?
    var roleNode: Node?
    var extractorNode: Node?

    static let keys = [
        "name", "registry", "dataset", "extractor", "recruiter", "aggregator", "grader", "runtime", "outputs", "cache", "budget", "collaboration",
    ]

    static func read(_ root: Node, path: String, reader: YAMLReader) -> PipelineFile {
        var file = PipelineFile()
        guard let fields = reader.fields(root, of: "pipeline", allowed: keys) else { return file }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> URL {
            relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : base.appendingPathComponent(relative).standardizedFileURL
        }
        let name = fields.string("name")
        let registry = fields.nested("registry", allowed: ["agents", "skills", "profiles"])
        let agents = registry?.string("agents").map(resolve)
        let skills = registry?.string("skills").map(resolve)
        let profiles = registry?.string("profiles", required: false).map(resolve)
        let dataset = fields.string("dataset").map(resolve)
        if let dataset, !FileManager.default.isReadableFile(atPath: dataset.path) {
            reader.report(fields.value("dataset"), "dataset \(Diagnostic.quoted(dataset.path, limit: Diagnostic.pathLimit)) is not readable")
        }
        let extractor = readExtractor(fields.value("extractor", required: false), reader: reader)
        file.extractorNode = extractor.expertNode
        var strategy = RecruitmentStrategy.symbolic
        var k = 3
        var seed: UInt64 = 0
        var temperature = 0.5
        var lambda = 0.0
        var rareShare = 0.0
        var outcomes: URL?
        var neighbors = 150
        if let recruiter = fields.nested(
            "recruiter",
            allowed: ["strategy", "k", "seed", "temperature", "lambda", "replace_rare_below", "outcomes", "neighbors"],
            required: false
        ) {
            if let given = recruiter.string("strategy", required: false) {
                if let known = RecruitmentStrategy(rawValue: given) {
                    strategy = known
                } else {
                    reader.report(
                        recruiter.value("strategy"),
                        "unknown strategy \(Diagnostic.quoted(given))"
                            + YAMLReader.suggestion(for: given, among: RecruitmentStrategy.allCases.map(\.rawValue))
                    )
                }
            }
            k = recruiter.int("k", required: false, in: Limits.k) ?? k
            seed = recruiter.int("seed", required: false, in: Limits.seed).map(UInt64.init) ?? seed
            temperature = recruiter.double("temperature", required: false, in: Limits.recruiterTemperature) ?? temperature
            lambda = recruiter.double("lambda", required: false, in: Limits.lambda) ?? lambda
            rareShare = recruiter.double("replace_rare_below", required: false, in: Limits.share) ?? rareShare
            neighbors = recruiter.int("neighbors", required: false, in: Limits.neighbors) ?? neighbors
            outcomes = recruiter.string("outcomes", required: false).map(resolve)
            if strategy == .learned, outcomes == nil {
                reader.report(
                    recruiter.value("strategy"),
                    "strategy 'learned' needs its recorded outcomes: recruiter: { strategy: learned, outcomes: FILE.jsonl }"
                )
            }
            if let outcomes, !FileManager.default.isReadableFile(atPath: outcomes.path) {
                reader.report(
                    recruiter.value("outcomes"),
                    "outcomes \(Diagnostic.quoted(outcomes.path, limit: Diagnostic.pathLimit)) is not readable"
                )
            }
        }
        // Without `aggregator.expert`, the expert with the best aggregator score aggregates.
        let aggregator = fields.nested("aggregator", allowed: ["expert", "role"], required: false)
        file.aggregatorNode = aggregator?.value("expert", required: false)
        file.roleNode = aggregator?.value("role", required: false)
        let grader = readGrader(fields.value("grader", required: false), reader: reader)
        let runtime = fields.nested("runtime", allowed: ["resident_models", "resident_memory_mb", "window"], required: false)
        let resident = runtime?.int("resident_models", required: false, in: Limits.residentModels) ?? 1
        let residentMemory = runtime?.int("resident_memory_mb", required: false, in: Limits.memoryMB)
        let window = runtime?.int("window", required: false, in: Limits.window) ?? PipelineSpec.defaultWindow
        var cache = false
        if let node = fields.value("cache", required: false) {
            if let flag = node.bool { cache = flag } else { reader.report(node, "field 'cache' of pipeline must be true or false") }
        }
        let output = fields.nested("outputs", allowed: ["dir"], required: false)?.string("dir").map(resolve)
        let limits = fields.nested("budget", allowed: ["per_instance", "per_run", "per_instance_tokens", "per_run_tokens"], required: false)
        let budget = Budget(
            perInstance: limits?.double("per_instance", required: false, in: Limits.budget),
            perRun: limits?.double("per_run", required: false, in: Limits.budget),
            perInstanceTokens: limits?.int("per_instance_tokens", required: false, in: Limits.tokenBudget),
            perRunTokens: limits?.int("per_run_tokens", required: false, in: Limits.tokenBudget)
        )
        let collaboration = CollaborationFields.read(
            fields.nested("collaboration", allowed: CollaborationFields.keys, required: false),
            reader: reader,
            resolve: resolve
        )
        let pinned = aggregator?.string("expert", required: false)
        if let name, let agents, let skills, let dataset, let grader {
            file.spec = PipelineSpec(
                name: name,
                file: URL(fileURLWithPath: path),
                agentsDirectory: agents,
                skillsDirectory: skills,
                profilesDirectory: profiles,
                dataset: dataset,
                extractor: extractor.spec ?? .lexical,
                strategy: strategy,
                k: k,
                seed: seed,
                temperature: temperature,
                lambda: lambda,
                replaceRareBelow: rareShare,
                learnedOutcomes: outcomes,
                learnedNeighbors: neighbors,
                aggregatorExpert: pinned ?? "",
                aggregatorPinned: pinned != nil,
                aggregatorRole: aggregator?.string("role", required: false),
                grader: grader,
                residentModels: resident,
                residentMemoryMB: residentMemory,
                window: window,
                cache: cache,
                budget: budget,
                collaboration: collaboration,
                outputDirectory: output
            )
        }
        return file
    }

    /// `extractor: lexical` (the default) or `extractor: { kind: model, expert: …, samples: 5, embeddings: {…} }`;
    /// the node of the extractor expert's name is kept for the reference check.
    private static func readExtractor(_ node: Node?, reader: YAMLReader) -> (spec: ExtractorSpec?, expertNode: Node?) {
        guard let node else { return (.lexical, nil) }
        func unknown(_ name: String, at node: Node?) -> (ExtractorSpec?, Node?) {
            reader.report(node, "unknown extractor \(Diagnostic.quoted(name))" + YAMLReader.suggestion(for: name, among: ExtractorSpec.kinds))
            return (nil, nil)
        }
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "lexical": return (.lexical, nil)
            case "model":
                reader.report(node, "extractor 'model' needs its expert: extractor: { kind: model, expert: ID }")
                return (nil, nil)
            default: return unknown(scalar.string, at: node)
            }
        }
        guard let fields = reader.fields(node, of: "'extractor'", allowed: ["kind", "expert", "samples", "embeddings"]),
            let kind = fields.string("kind")
        else { return (nil, nil) }
        switch kind {
        case "lexical": return (.lexical, nil)
        case "model":
            let samples = fields.int("samples", required: false, in: Limits.samples) ?? 5
            var embeddings: EmbeddingEndpoint?
            if let given = fields.nested("embeddings", allowed: ["base_url", "model", "api_key_env", "min_similarity"], required: false),
                let base = given.string("base_url"), let model = given.string("model")
            {
                if URL(string: base)?.scheme?.hasPrefix("http") != true {
                    reader.report(given.value("base_url"), "base_url \(Diagnostic.quoted(base)) must be an http or https URL")
                }
                embeddings = EmbeddingEndpoint(
                    baseURL: base,
                    model: model,
                    apiKeyVariable: given.string("api_key_env", required: false),
                    minSimilarity: given.double("min_similarity", required: false, in: Limits.similarity) ?? 0.6
                )
            }
            guard let expert = fields.string("expert") else { return (nil, nil) }
            return (.model(ModelExtractorSpec(expert: expert, samples: samples, embeddings: embeddings)), fields.value("expert"))
        default:
            return unknown(kind, at: fields.value("kind"))
        }
    }

    /// `grader: multiple-choice` or `grader: { kind: numeric, tolerance: 0.01 }`; multiple-choice by default.
    private static func readGrader(_ node: Node?, reader: YAMLReader) -> Grader? {
        guard let node else { return Grader(kind: .multipleChoice) }
        let kinds = Grader.Kind.allCases.map(\.rawValue)
        func kind(_ name: String, at node: Node?) -> Grader.Kind? {
            if let kind = Grader.Kind(rawValue: name) { return kind }
            reader.report(node, "unknown grader \(Diagnostic.quoted(name))" + YAMLReader.suggestion(for: name, among: kinds))
            return nil
        }
        if case .scalar(let scalar) = node { return kind(scalar.string, at: node).map { Grader(kind: $0) } }
        guard let fields = reader.fields(node, of: "'grader'", allowed: ["kind", "tolerance"]),
            let name = fields.string("kind"), let parsed = kind(name, at: fields.value("kind"))
        else { return nil }
        return Grader(kind: parsed, tolerance: fields.double("tolerance", required: false, in: Limits.tolerance) ?? 1e-6)
    }

    /// A pinned aggregator must be a known expert, its role a known role.
    func checkReferences(against registry: Registry, path: String, workspace: ConfigWorkspace) {
        guard let spec else { return }
        if case .model(let extractor) = spec.extractor, registry.expert(extractor.expert) == nil {
            workspace.report(
                path,
                "unknown extractor expert \(Diagnostic.quoted(extractor.expert))"
                    + YAMLReader.suggestion(for: extractor.expert, among: registry.experts.map(\.id)),
                at: extractorNode
            )
        }
        if spec.aggregatorPinned, registry.expert(spec.aggregatorExpert) == nil {
            workspace.report(
                path,
                "unknown expert \(Diagnostic.quoted(spec.aggregatorExpert))"
                    + YAMLReader.suggestion(for: spec.aggregatorExpert, among: registry.experts.map(\.id)),
                at: aggregatorNode
            )
        }
        if let role = spec.aggregatorRole, registry.role(named: role) == nil {
            workspace.report(
                path,
                "unknown role \(Diagnostic.quoted(role))" + YAMLReader.suggestion(for: role, among: registry.roles.map(\.name)),
                at: roleNode
            )
        }
    }
}
