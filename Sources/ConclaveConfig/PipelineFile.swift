import ConclaveCore
import Foundation
import Yams

/// Reads a pipeline YAML file into a `PipelineSpec`, reporting every problem with its position, and checks
/// its references against the registry it names.
struct PipelineFile {
    var spec: PipelineSpec?
    var aggregatorNode: Node?
    var roleNode: Node?

    static let keys = ["name", "registry", "dataset", "extractor", "recruiter", "aggregator", "grader", "runtime", "outputs", "cache"]

    static func read(_ root: Node, path: String, reader: YAMLReader) -> PipelineFile {
        var file = PipelineFile()
        guard let fields = reader.fields(root, of: "pipeline", allowed: keys) else { return file }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> URL {
            relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : base.appendingPathComponent(relative).standardizedFileURL
        }
        let name = fields.string("name")
        let registry = fields.nested("registry", allowed: ["agents", "skills"])
        let agents = registry?.string("agents").map(resolve)
        let skills = registry?.string("skills").map(resolve)
        let dataset = fields.string("dataset").map(resolve)
        if let dataset, !FileManager.default.isReadableFile(atPath: dataset.path) {
            reader.report(fields.value("dataset"), "dataset '\(dataset.path)' is not readable")
        }
        let extractor = fields.string("extractor", required: false) ?? "lexical"
        if !PipelineSpec.extractors.contains(extractor) {
            reader.report(fields.value("extractor"), "unknown extractor '\(extractor)'" + YAMLReader.suggestion(for: extractor, among: PipelineSpec.extractors))
        }
        var strategy = RecruitmentStrategy.symbolic, k = 3, seed: UInt64 = 0, temperature = 0.5, lambda = 0.0, rareShare = 0.0
        if let recruiter = fields.nested("recruiter", allowed: ["strategy", "k", "seed", "temperature", "lambda", "replace_rare_below"], required: false) {
            if let given = recruiter.string("strategy", required: false) {
                if let known = RecruitmentStrategy(rawValue: given) { strategy = known } else {
                    reader.report(recruiter.value("strategy"), "unknown strategy '\(given)'" + YAMLReader.suggestion(for: given, among: RecruitmentStrategy.allCases.map(\.rawValue)))
                }
            }
            k = recruiter.int("k", required: false, minimum: 1) ?? k
            seed = recruiter.int("seed", required: false, minimum: 0).map(UInt64.init) ?? seed
            temperature = recruiter.double("temperature", required: false, minimum: 0.01) ?? temperature
            lambda = recruiter.double("lambda", required: false, minimum: 0) ?? lambda
            rareShare = recruiter.double("replace_rare_below", required: false, minimum: 0) ?? rareShare
        }
        let aggregator = fields.nested("aggregator", allowed: ["expert", "role"])
        file.aggregatorNode = aggregator?.value("expert")
        file.roleNode = aggregator?.value("role", required: false)
        let grader = readGrader(fields.value("grader", required: false), reader: reader)
        let runtime = fields.nested("runtime", allowed: ["resident_models", "resident_memory_mb", "window"], required: false)
        let resident = runtime?.int("resident_models", required: false, minimum: 1) ?? 1
        let residentMemory = runtime?.int("resident_memory_mb", required: false, minimum: 1)
        let window = runtime?.int("window", required: false, minimum: 1) ?? 10_000
        var cache = false
        if let node = fields.value("cache", required: false) {
            if let flag = node.bool { cache = flag } else { reader.report(node, "field 'cache' of pipeline must be true or false") }
        }
        let output = fields.nested("outputs", allowed: ["dir"], required: false)?.string("dir").map(resolve)
        if let name, let agents, let skills, let dataset, let expert = aggregator?.string("expert"), let grader {
            file.spec = PipelineSpec(name: name, file: URL(fileURLWithPath: path), agentsDirectory: agents, skillsDirectory: skills,
                                     dataset: dataset, extractor: extractor, strategy: strategy, k: k, seed: seed,
                                     temperature: temperature, lambda: lambda, replaceRareBelow: rareShare, aggregatorExpert: expert,
                                     aggregatorRole: aggregator?.string("role", required: false),
                                     grader: grader, residentModels: resident, residentMemoryMB: residentMemory,
                                     window: window, cache: cache, outputDirectory: output)
        }
        return file
    }

    /// `grader: multiple-choice` or `grader: { kind: numeric, tolerance: 0.01 }`; multiple-choice by default.
    private static func readGrader(_ node: Node?, reader: YAMLReader) -> Grader? {
        guard let node else { return Grader(kind: .multipleChoice) }
        let kinds = Grader.Kind.allCases.map(\.rawValue)
        func kind(_ name: String, at node: Node?) -> Grader.Kind? {
            if let kind = Grader.Kind(rawValue: name) { return kind }
            reader.report(node, "unknown grader '\(name)'" + YAMLReader.suggestion(for: name, among: kinds))
            return nil
        }
        if case .scalar(let scalar) = node { return kind(scalar.string, at: node).map { Grader(kind: $0) } }
        guard let fields = reader.fields(node, of: "'grader'", allowed: ["kind", "tolerance"]),
              let name = fields.string("kind"), let parsed = kind(name, at: fields.value("kind")) else { return nil }
        return Grader(kind: parsed, tolerance: fields.double("tolerance", required: false, minimum: 0) ?? 1e-6)
    }

    /// The aggregator must be a known expert, its role a known role.
    func checkReferences(against registry: Registry, path: String, workspace: ConfigWorkspace) {
        guard let spec else { return }
        if registry.expert(spec.aggregatorExpert) == nil {
            workspace.report(path, "unknown expert '\(spec.aggregatorExpert)'" + YAMLReader.suggestion(for: spec.aggregatorExpert, among: registry.experts.map(\.id)), at: aggregatorNode)
        }
        if let role = spec.aggregatorRole, registry.role(named: role) == nil {
            workspace.report(path, "unknown role '\(role)'" + YAMLReader.suggestion(for: role, among: registry.roles.map(\.name)), at: roleNode)
        }
    }
}
