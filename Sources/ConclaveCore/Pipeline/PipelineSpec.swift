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
    /// Measured profiles (`<expert>.yaml`, written by `conclave profile`) that replace the experts' own.
    public var profilesDirectory: URL?
    public var dataset: URL
    /// How skills are found in an instance.
    public var extractor: ExtractorSpec
    public var strategy: RecruitmentStrategy
    public var k: Int
    public var seed: UInt64
    public var temperature: Double
    /// For `cost-aware`: how much correctness one currency unit of expected cost is worth.
    public var lambda: Double
    /// Experts recruited for fewer than this share of a window's instances give their seats to frequent
    /// ones (0 turns the replacement off).
    public var replaceRareBelow: Double
    /// For `learned`: the recorded outcomes (JSONL of questions and each model's score) the router is
    /// fitted on, and how many of the most similar recorded questions it averages.
    public var learnedOutcomes: URL?
    public var learnedNeighbors: Int
    /// The aggregator: the one the pipeline pins, else the registry's best by aggregator score.
    public var aggregatorExpert: String
    /// Whether the pipeline names its aggregator (`aggregator.expert`) rather than taking the best.
    public var aggregatorPinned: Bool
    public var aggregatorRole: String?
    public var grader: Grader
    /// How many managed (llama.cpp) models may be resident at once.
    public var residentModels: Int
    /// The memory budget for resident managed models in MB; nil means only `residentModels` limits them.
    public var residentMemoryMB: Int?
    /// Instances scheduled together: each stage of a window loads each model at most once.
    public var window: Int
    /// The window when the pipeline gives none.
    public static let defaultWindow = 10_000
    /// Hard spending limits, per instance and per run.
    public var budget: Budget
    /// How the agents work together (mode, rounds, agents, downgrade order).
    public var collaboration: CollaborationSpec
    /// Serve identical requests (same model, prompt and sampling) from the store's response cache.
    public var cache: Bool
    /// Where results go when `--out` is not given; nil means `runs/<name>` under the current folder.
    public var outputDirectory: URL?

    /// A pipeline with every setting given; ConclaveConfig's `ConfigLoader` builds it from YAML.
    public init(
        name: String,
        file: URL,
        agentsDirectory: URL,
        skillsDirectory: URL,
        profilesDirectory: URL? = nil,
        dataset: URL,
        extractor: ExtractorSpec = .lexical,
        strategy: RecruitmentStrategy = .symbolic,
        k: Int = 3,
        seed: UInt64 = 0,
        temperature: Double = 0.5,
        lambda: Double = 0,
        replaceRareBelow: Double = 0,
        learnedOutcomes: URL? = nil,
        learnedNeighbors: Int = 150,
        aggregatorExpert: String,
        aggregatorPinned: Bool,
        aggregatorRole: String? = nil,
        grader: Grader,
        residentModels: Int = 1,
        residentMemoryMB: Int? = nil,
        window: Int = PipelineSpec.defaultWindow,
        cache: Bool = false,
        budget: Budget = .unlimited,
        collaboration: CollaborationSpec = .ensemble,
        outputDirectory: URL? = nil
    ) {
        self.name = name
        self.file = file
        self.agentsDirectory = agentsDirectory
        self.skillsDirectory = skillsDirectory
        self.profilesDirectory = profilesDirectory
        self.dataset = dataset
        self.extractor = extractor
        self.strategy = strategy
        self.k = k
        self.seed = seed
        self.temperature = temperature
        self.lambda = lambda
        self.replaceRareBelow = replaceRareBelow
        self.learnedOutcomes = learnedOutcomes
        self.learnedNeighbors = learnedNeighbors
        self.aggregatorExpert = aggregatorExpert
        self.aggregatorPinned = aggregatorPinned
        self.aggregatorRole = aggregatorRole
        self.grader = grader
        self.residentModels = residentModels
        self.residentMemoryMB = residentMemoryMB
        self.window = window
        self.cache = cache
        self.budget = budget
        self.collaboration = collaboration
        self.outputDirectory = outputDirectory
    }
}

/// How a pipeline finds the skills of an instance.
///
/// ```yaml
/// extractor: lexical              # the registry's names and aliases found in the text (no model)
/// extractor:
///   kind: model                   # ask an expert for keywords and map them to the vocabulary
///   expert: smollm2-generalist
///   samples: 5
///   embeddings: { base_url: http://127.0.0.1:8090/v1, model: embed, min_similarity: 0.6 }
/// ```
public enum ExtractorSpec: Sendable, Hashable {
    case lexical
    case model(ModelExtractorSpec)

    public static let kinds = ["lexical", "model"]
}

/// The model extractor: which expert is asked, how many times, and the optional embedding endpoint used
/// for keywords that neither an alias nor lexical similarity maps.
public struct ModelExtractorSpec: Sendable, Hashable {
    public var expert: String
    public var samples: Int
    public var embeddings: EmbeddingEndpoint?

    public init(expert: String, samples: Int = 5, embeddings: EmbeddingEndpoint? = nil) {
        self.expert = expert
        self.samples = samples
        self.embeddings = embeddings
    }
}

/// An OpenAI-compatible `/v1/embeddings` endpoint (llama-server serves one when started with `--embeddings`).
public struct EmbeddingEndpoint: Sendable, Hashable {
    public var baseURL: String
    public var model: String
    /// The environment variable holding the API key, if the endpoint needs one.
    public var apiKeyVariable: String?
    /// The least cosine similarity for an embedding match.
    public var minSimilarity: Double

    public init(baseURL: String, model: String, apiKeyVariable: String? = nil, minSimilarity: Double = 0.6) {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.minSimilarity = minSimilarity
    }
}
