import Foundation

/// The kinds of input file the harness damages, one reader (or `validate`) each.
public enum FileKind: String, CaseIterable, Sendable {
    case agents, skills, pipeline, profile, dataset, outcomes, models
}

/// One file to mutate: its kind, its path inside the fuzz workspace, and its original bytes.
public struct FuzzSeed: Sendable {
    public var kind: FileKind
    public var path: String
    public var bytes: [UInt8]

    public init(kind: FileKind, path: String, bytes: [UInt8]) {
        self.kind = kind
        self.path = path
        self.bytes = bytes
    }

    /// The shipped files of a repository: `Agents/**/*.yaml`, `Skills/*.yaml`, the quickstart's pipeline
    /// and its JSONL datasets. Paths stay relative, as in the repository.
    public static func shipped(in repository: URL) throws -> [FuzzSeed] {
        func files(_ folder: String, _ suffix: String, recursive: Bool = false) throws -> [String] {
            let root = repository.appendingPathComponent(folder).path
            let names =
                recursive
                ? (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                : try FileManager.default.contentsOfDirectory(atPath: root)
            return names.filter { $0.hasSuffix(suffix) }.sorted().map { folder + "/" + $0 }
        }
        func seed(_ kind: FileKind, _ path: String) throws -> FuzzSeed {
            FuzzSeed(kind: kind, path: path, bytes: Array(try Data(contentsOf: repository.appendingPathComponent(path))))
        }
        let found =
            try files("Agents", ".yaml", recursive: true).map { try seed(.agents, $0) }
            + files("Skills", ".yaml").map { try seed(.skills, $0) }
            + [try seed(.pipeline, "examples/quickstart/pipeline.yaml")]
            + files("examples/quickstart", ".jsonl").map { try seed(.dataset, $0) }
        for kind in [FileKind.agents, .skills, .dataset] where !found.contains(where: { $0.kind == kind }) {
            throw FuzzSetupError(description: "no shipped \(kind) files under \(repository.path)")
        }
        return found
    }

    /// A small outcome file and its models file in the shape of `routing/train.jsonl` and `routing/models.json`
    /// (made up here: benchmark data stays out of the repository).
    public static func outcomeSamples() -> [FuzzSeed] {
        let models: [(name: String, price: Double, size: String)] = [("large-70b", 0.9, "70B"), ("medium-32b", 0.8, "32B"), ("small-7b", 0.2, "7B")]
        let rows = (0..<12).map { row in
            let scores = models.indices.map { column in "\"\(models[column].name)\": \((row + column) % 3 == 0 ? "0.0" : "1.0")" }
            return
                "{\"id\": \"q\(row)\", \"question\": \"What is \(row) + \(row)? Choose the sum.\", \"scores\": {\(scores.joined(separator: ", "))}}"
        }
        let prices = models.map { model in
            "  \"\(model.name)\": {\"input_price_per_mtok\": \(model.price), \"output_price_per_mtok\": \(model.price), \"size\": \"\(model.size)\"}"
        }
        return [
            FuzzSeed(kind: .outcomes, path: "routing/train.jsonl", bytes: Array((rows.joined(separator: "\n") + "\n").utf8)),
            FuzzSeed(kind: .models, path: "routing/models.json", bytes: Array(("{\n" + prices.joined(separator: ",\n") + "\n}\n").utf8)),
        ]
    }
}

/// The harness cannot start: the repository lacks the files it mutates, or its shipped files do not load.
public struct FuzzSetupError: Error, CustomStringConvertible {
    public var description: String
}
