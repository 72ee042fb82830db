import ConclaveConfig
import ConclaveCore
import Foundation

/// A temporary copy of a repository's shipped configuration (Agents, Skills, the quickstart pipeline and
/// dataset), with a measured profile and outcome samples made from them, in which each case damages one
/// file, runs the readers that `validate`, `run` and `eval-routing` use on it, and puts it back.
///
/// ```swift
/// let harness = try FuzzHarness(repository: repositoryURL)
/// defer { harness.remove() }
/// let outcome = harness.run(FuzzCase(index: 0, runSeed: 1, seeds: harness.seeds))
/// ```
public final class FuzzHarness {
    public let root: URL
    /// Every file a case may damage.
    public let seeds: [FuzzSeed]
    let environment: ConfigEnvironment
    /// An expert for building prompts from the instances a damaged dataset still yields.
    let expert: Expert
    static let quickstart = "examples/quickstart/pipeline.yaml"
    static let profiled = "examples/profiled/pipeline.yaml"

    public init(repository: URL) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-fuzz-\(UUID().uuidString)")
        let models = root.appendingPathComponent("models")
        environment = ConfigEnvironment(variables: ["CONCLAVE_MODELS": models.path])
        let seeds = try FuzzSeed.shipped(in: repository) + FuzzSeed.outcomeSamples()
        for seed in seeds { try Self.write(seed.bytes, to: root.appendingPathComponent(seed.path)) }
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        for name in Self.modelFiles(in: seeds) { try Self.write(Array("GGUF".utf8), to: models.appendingPathComponent(name)) }

        let loaded: LoadedPipeline
        do { loaded = try ConfigLoader.loadPipeline(root.appendingPathComponent(Self.quickstart).path, environment: environment) } catch {
            throw FuzzSetupError(description: "the shipped quickstart does not load:\n\(error)")
        }
        guard let first = loaded.registry.experts.first else { throw FuzzSetupError(description: "the shipped registry has no experts") }
        expert = first
        let record = ProfileRecord(
            expert: first.id,
            version: 1,
            runID: "fuzz",
            dataset: "questions.jsonl",
            measuredAt: Date(timeIntervalSince1970: 1_800_000_000),
            questions: 16,
            correct: 9,
            failedCalls: 0,
            profile: Profile(
                skills: first.profile.skills,
                aggregatorScore: 0.5,
                answered: first.profile.skills.mapValues { Int(abs($0)) + 1 },
                globalRate: 0.1
            )
        )
        let profile = FuzzSeed(kind: .profile, path: "profiles/\(first.id).yaml", bytes: Array(record.yaml.utf8))
        try Self.write(profile.bytes, to: root.appendingPathComponent(profile.path))
        try Self.write(
            Array(
                """
                name: profiled
                registry: { agents: ../../Agents, skills: ../../Skills, profiles: ../../profiles }
                dataset: ../quickstart/questions.jsonl
                """.utf8
            ),
            to: root.appendingPathComponent(Self.profiled)
        )
        self.seeds = seeds + [profile]

        let baseline = ConfigLoader.validate(
            paths: ["Agents", "Skills", Self.quickstart, Self.profiled].map { root.appendingPathComponent($0).path },
            environment: environment
        )
        guard baseline.isEmpty else {
            throw FuzzSetupError(description: "the undamaged files have problems:\n" + baseline.map(\.description).joined(separator: "\n"))
        }
    }

    /// Damages the case's file, reads it, and puts the original back.
    public func run(_ fuzzCase: FuzzCase) -> FuzzOutcome {
        let url = root.appendingPathComponent(fuzzCase.seed.path)
        do { try Self.write(fuzzCase.bytes, to: url) } catch { return .badRejection("cannot write the damaged file: \(error)") }
        defer { try? Self.write(fuzzCase.seed.bytes, to: url) }
        let readers = ReaderChecks(root: root, environment: environment, expert: expert)
        switch fuzzCase.seed.kind {
        case .agents, .skills, .pipeline: return readers.configuration(url.path, bytes: fuzzCase.bytes, pipeline: Self.quickstart)
        case .profile: return readers.configuration(url.path, bytes: fuzzCase.bytes, pipeline: Self.profiled)
        case .dataset: return readers.dataset(url, bytes: fuzzCase.bytes)
        case .outcomes, .models: return readers.outcomes(damaged: url, bytes: fuzzCase.bytes)
        }
    }

    /// Deletes the workspace.
    public func remove() { try? FileManager.default.removeItem(at: root) }

    /// The model files that expert files name under `${CONCLAVE_MODELS}`.
    static func modelFiles(in seeds: [FuzzSeed]) -> Set<String> {
        let pattern = /\$\{CONCLAVE_MODELS\}\/([^\s"']+)/
        return Set(
            seeds.filter { $0.kind == .agents }.flatMap { seed in
                String(decoding: seed.bytes, as: UTF8.self).matches(of: pattern).map { String($0.output.1) }
            }
        )
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}
