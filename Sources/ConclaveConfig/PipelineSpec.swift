import ConclaveCore
import Foundation

/// A pipeline as declared in YAML: which registry and dataset, how skills are found, how experts are
/// recruited, who aggregates, how answers are graded and where results go. Paths are resolved relative to
/// the pipeline file.
///
/// ```yaml
/// name: quickstart
/// registry: { agents: ../../Agents, skills: ../../Skills }
/// dataset: questions.jsonl
/// recruiter: { strategy: symbolic, k: 3, seed: 42 }
/// aggregator: { expert: smollm2-judge, role: Judge }
/// grader: multiple-choice
/// ```
public struct PipelineSpec: Sendable {
    public var name: String
    public var file: URL
    public var agentsDirectory: URL
    public var skillsDirectory: URL
    public var dataset: URL
    /// How skills are found in an instance; `lexical` matches the registry vocabulary in the text.
    public var extractor: String
    public var strategy: RecruitmentStrategy
    public var k: Int
    public var seed: UInt64
    public var temperature: Double
    /// For `cost-aware`: how much correctness one currency unit of expected cost is worth.
    public var lambda: Double
    /// Experts recruited for fewer than this share of a window's instances give their seats to frequent
    /// ones (0 turns the replacement off).
    public var replaceRareBelow: Double
    public var aggregatorExpert: String
    public var aggregatorRole: String?
    public var grader: Grader
    /// How many managed (llama.cpp) models may be resident at once.
    public var residentModels: Int
    /// The memory budget for resident managed models in MB; nil means only `residentModels` limits them.
    public var residentMemoryMB: Int?
    /// Instances scheduled together: each stage of a window loads each model at most once.
    public var window: Int
    /// Serve identical requests (same model, prompt and sampling) from the store's response cache.
    public var cache: Bool
    /// Where results go when `--out` is not given; nil means `runs/<name>` under the current folder.
    public var outputDirectory: URL?

    public static let extractors = ["lexical"]
}
