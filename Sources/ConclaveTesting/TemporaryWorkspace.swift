import Foundation

/// A fresh folder under the system's temporary directory that removes itself (and everything written in
/// it) when the last reference goes away, for tests that write configuration, datasets and stores.
///
/// ```swift
/// let workspace = try TemporaryWorkspace()
/// let pipeline = try workspace.write("pipeline.yaml", "name: demo\n…")
/// ```
public final class TemporaryWorkspace: Sendable {
    /// The folder.
    public let root: URL

    /// Creates the folder, named `prefix-UUID`.
    public init(prefix: String = "conclave-test") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The URL of `relative` inside the workspace.
    public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// The path of `relative` inside the workspace.
    public func path(_ relative: String) -> String { url(relative).path }

    /// Writes `text` to `relative`, creating its folders; returns the file's URL.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> URL {
        let file = url(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Writes `<folder>/<id>.yaml` (`Agents/` by default): an expert behind an OpenAI-compatible endpoint
    /// (model `model-<id>`, priced 1 and 2 per million tokens) with this profile. The default endpoint is
    /// unreachable, for scripted and replayed tests; give `baseURL` to reach a real one (an
    /// `OpenAIResponder`).
    @discardableResult
    public func writeRemoteExpert(
        _ id: String,
        skills: [String: Double],
        maxConcurrency: Int = 1,
        baseURL: String = "http://127.0.0.1:9/v1",
        folder: String = "Agents"
    ) throws -> URL {
        let profile = skills.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return try write(
            "\(folder)/\(id).yaml",
            """
            id: \(id)
            description: \(id)
            runtime: { kind: openai, model: model-\(id), base_url: "\(baseURL)" }
            price: { input_per_million: 1, output_per_million: 2 }
            context_window: 4096
            max_concurrency: \(maxConcurrency)
            profile: { skills: { \(profile) } }
            """
        )
    }
}
