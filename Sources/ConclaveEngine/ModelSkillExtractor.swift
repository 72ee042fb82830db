import ConclaveCore
import ConclaveLLM
import ConclaveStore
import Foundation

/// The model extractor of a pipeline (Symbolic-MoE): its expert is asked `samples` times for keywords;
/// `KeywordConsistency` keeps those given at least twice, and `SkillMapper` maps them by alias, lexical
/// similarity, then embedding cosine when an embedding endpoint is configured. Results are cached in the
/// store per instance text under a fingerprint of the extractor's settings and the vocabulary.
///
/// ```swift
/// let extractor = ModelSkillExtractor(spec: spec, registry: registry)
/// extractor.fingerprint          // the cache's key for these settings
/// extractor.textHash(of: text)   // the cache's key for one instance
/// ```
public struct ModelSkillExtractor: Sendable {
    public let spec: ModelExtractorSpec
    public let mapper: SkillMapper
    public let fingerprint: String
    let consistency = KeywordConsistency()

    public init(spec: ModelExtractorSpec, registry: Registry) {
        self.spec = spec
        mapper = SkillMapper(skills: registry.skills, embeddingThreshold: spec.embeddings?.minSimilarity ?? 0.6)
        let expert = registry.expert(spec.expert)
        var hash = FNV1a()
        hash.combine("extractor\u{1}\(spec.expert)\u{1}\(expert?.runtime.modelKey ?? "")\u{1}\(spec.samples)")
        hash.combine("\u{1}\(spec.embeddings.map { "\($0.baseURL)#\($0.model)#\($0.minSimilarity)" } ?? "-")")
        for term in mapper.terms { hash.combine("\u{1}\(term.skill)=\(term.text)") }
        // A new extraction prompt is a new extractor: its answers are not the cached ones.
        for message in Prompts.extraction(instance: Instance(id: "", text: "")) { hash.combine("\u{1}\(message.content)") }
        fingerprint = "\(spec.expert)-" + String(hash.value, radix: 16)
    }

    /// The cache key of an instance's text (question and choices).
    public func textHash(of instance: Instance) -> String {
        String(StableHash.fnv1a(instance.text + "\u{1}" + instance.choices.joined(separator: "\u{1}")), radix: 16)
    }

    /// The alias and lexical steps over the samples' consistent keywords.
    func extraction(samples: [String]) -> SkillExtraction {
        SkillExtraction(samples: samples, keywords: consistency.keep(samples).map(mapper.map))
    }

    /// The embedding step for every keyword still unmapped in `extractions`, with one request for the
    /// window's keywords and one for the vocabulary (kept in `termVectors` for the rest of the run).
    func mapByEmbedding(
        _ extractions: inout [SkillExtraction],
        backend: any EmbeddingBackend,
        model: String,
        termVectors: inout [[Double]]?
    ) async throws {
        let unmapped = Array(Set(extractions.flatMap(\.unmapped))).sorted()
        guard !unmapped.isEmpty else { return }
        if termVectors == nil { termVectors = try await backend.embed(mapper.terms.map(\.text), model: model) }
        let vectors = Dictionary(uniqueKeysWithValues: zip(unmapped, try await backend.embed(unmapped, model: model)))
        for index in extractions.indices {
            extractions[index].keywords = extractions[index].keywords.map { mapping in
                guard mapping.method == .unmapped, let vector = vectors[mapping.keyword] else { return mapping }
                return mapper.map(mapping.keyword, vector: vector, termVectors: termVectors!)
            }
        }
    }
}

extension RunSession {
    /// The model extractor's results for instances that have no decision yet: from the cache, else from
    /// `samples` extraction calls per distinct text through the batch scheduler. An instance whose extraction
    /// calls all failed gets none (it falls back to the lexical skills) and is not cached, so a later run
    /// asks again; so is a window whose embedding request failed.
    mutating func extractSkills(_ instances: [Instance], outcomes: inout [CallKey: CallRecord]) async throws -> [String: SkillExtraction] {
        guard let extractor, !instances.isEmpty else { return [:] }
        let hashes = Dictionary(instances.map { ($0.id, extractor.textHash(of: $0)) }, uniquingKeysWith: { first, _ in first })
        var found = try await store.cachedExtractions(extractor: extractor.fingerprint, textHashes: Array(Set(hashes.values)))
        // One extraction per distinct text: instances that repeat a text share its extraction.
        var seen: Set<String> = []
        let missing = instances.filter { found[hashes[$0.id]!] == nil && seen.insert(hashes[$0.id]!).inserted }
        if !missing.isEmpty {
            let spec = extractor.spec
            let byID = Dictionary(missing.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let calls = missing.flatMap { Planner.extractionCalls(instanceID: $0.id, extractor: spec.expert, samples: spec.samples) }
            try await execute(calls, step: PlanStep(.extraction), outcomes: &outcomes, upcoming: []) {
                Prompts.extraction(instance: byID[$0.instanceID]!)
            }
            let answered = missing.compactMap { instance -> (Instance, [String])? in
                let samples = Planner.extractionCalls(instanceID: instance.id, extractor: spec.expert, samples: spec.samples)
                    .compactMap { outcomes[CallKey($0)]?.text }
                return samples.isEmpty ? nil : (instance, samples)
            }
            var extractions = answered.map { extractor.extraction(samples: $0.1) }
            var cacheable = true
            if let endpoint = spec.embeddings {
                do {
                    try await extractor.mapByEmbedding(
                        &extractions,
                        backend: try connector.embeddings(endpoint),
                        model: endpoint.model,
                        termVectors: &termVectors
                    )
                } catch {
                    cacheable = false
                    observer.warning("embedding endpoint \(endpoint.baseURL) failed, keywords left unmapped for now: \(error)")
                }
            }
            var entries: [CachedExtraction] = []
            for ((instance, _), extraction) in zip(answered, extractions) {
                found[hashes[instance.id]!] = extraction
                entries.append(CachedExtraction(textHash: hashes[instance.id]!, extraction: extraction))
            }
            if cacheable { try await store.cacheExtractions(extractor: extractor.fingerprint, entries) }
        }
        return hashes.compactMapValues { found[$0] }
    }
}
