import ConclaveCore
import Foundation

/// The footprint of every model in a registry, keyed by `ExpertRuntime.modelKey`: llama.cpp models are
/// managed, with the largest `memory_mb` of the experts sharing them, else the GGUF file's size plus
/// 100 MB for context; remote models are unmanaged.
struct ModelCatalog: Sendable {
    let footprints: [String: ModelFootprint]

    init(registry: Registry) {
        var footprints: [String: ModelFootprint] = [:]
        for expert in registry.experts {
            let key = expert.runtime.modelKey
            switch expert.runtime {
            case .llamaCpp(let path):
                let estimate = expert.memoryMB ?? Self.fileSizeMB(path) + 100
                let memory = max(footprints[key]?.memoryMB ?? 0, estimate)
                footprints[key] = ModelFootprint(key: key, memoryMB: memory, managed: true)
            case .openAI:
                footprints[key] = ModelFootprint(key: key, memoryMB: 0, managed: false)
            }
        }
        self.footprints = footprints
    }

    static func fileSizeMB(_ path: String) -> Int {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes / 1_000_000
    }
}
