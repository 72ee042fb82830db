import ConclaveConfig
import ConclaveCore
import Foundation

/// A temporary folder with Agents/, Skills/ and pipeline files written by a test.
struct ConfigSandbox {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Agents"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Skills"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root.appendingPathComponent("models/tiny.gguf").path, contents: Data("GGUF".utf8))
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    var environment: ConfigEnvironment { ConfigEnvironment(variables: ["CONCLAVE_MODELS": root.appendingPathComponent("models").path]) }

    func validate(_ relative: [String]) -> [String] {
        ConfigLoader.validate(paths: relative.map(path), environment: environment)
            .map { $0.description.replacingOccurrences(of: root.path + "/", with: "") }
    }

    /// A valid skills file and expert, the baseline each test breaks in one way.
    func writeValidRegistry() throws {
        try write(
            "Skills/math.yaml",
            """
            domain: mathematics
            skills:
              - name: algebra
                aliases: [equation]
              - name: geometry
            roles:
              - name: Mathematician
                instructions: Be careful.
                skills: [algebra]
            """
        )
        try write("Agents/alpha.yaml", Self.expert(id: "alpha"))
    }

    static func expert(id: String, extra: String = "", skills: String = "{ algebra: 2, geometry: -1 }") -> String {
        """
        id: \(id)
        description: test expert
        runtime:
          kind: llama.cpp
          model: ${CONCLAVE_MODELS}/tiny.gguf
        price: { input_per_million: 0.1, output_per_million: 0.2 }
        context_window: 2048
        max_concurrency: 2
        \(extra)profile:
          skills: \(skills)
        """
    }
}
