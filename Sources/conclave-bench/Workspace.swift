import ConclaveConfig
import ConclaveCore
import ConclaveStore
import Foundation

/// A temporary folder with a synthetic registry of remote (instant) experts, a pipeline and a dataset,
/// loaded through the same configuration code a user's files go through.
struct SyntheticWorkspace {
    let root: URL

    init(instances: Int, k: Int, window: Int) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-bench-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("Agents"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Skills"), withIntermediateDirectories: true)
        try "domain: d\nskills:\n  - name: algebra\n  - name: geometry\n".write(
            to: root.appendingPathComponent("Skills/d.yaml"),
            atomically: true,
            encoding: .utf8
        )
        for index in 0..<4 {
            try """
            id: e\(index)
            description: instant expert \(index)
            runtime: { kind: openai, model: m\(index), base_url: "http://127.0.0.1:9/v1" }
            price: { input_per_million: 1, output_per_million: 2 }
            context_window: 4096
            max_concurrency: 64
            profile: { skills: { algebra: \(index + 1), geometry: \(4 - index) } }
            """.write(to: root.appendingPathComponent("Agents/e\(index).yaml"), atomically: true, encoding: .utf8)
        }
        try """
        name: bench
        registry: { agents: Agents, skills: Skills }
        dataset: data.jsonl
        recruiter: { strategy: symbolic, k: \(k), seed: 1 }
        aggregator: { expert: e0 }
        runtime: { window: \(window) }
        """.write(to: root.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        _ = fm.createFile(atPath: root.appendingPathComponent("data.jsonl").path, contents: nil)
        let handle = try FileHandle(forWritingTo: root.appendingPathComponent("data.jsonl"))
        var chunk = ""
        for index in 0..<instances {
            chunk +=
                "{\"id\": \"q\(index)\", \"question\": \"Solve the algebra for triangle \(index)\", \"choices\": [\"1\", \"2\"], \"answer\": \"A\"}\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        try handle.close()
    }

    func pipeline() throws -> LoadedPipeline { try ConfigLoader.loadPipeline(root.appendingPathComponent("pipeline.yaml").path) }
    func store(durability: Durability = .full) throws -> SQLiteRunStore {
        try SQLiteRunStore(path: root.appendingPathComponent("store.sqlite").path, durability: durability)
    }
    var output: URL { root.appendingPathComponent("out") }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
