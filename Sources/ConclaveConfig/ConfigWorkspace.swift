import ConclaveCore
import Foundation
import Yams

/// Parses a set of Agents/, Skills/ and pipeline files and checks them against each other: duplicate ids,
/// references to unknown skills, roles or experts. Collects every problem instead of stopping at the first.
final class ConfigWorkspace {
    let environment: ConfigEnvironment
    private(set) var experts: [(path: String, file: ExpertFile)] = []
    private(set) var skillFiles: [(path: String, file: SkillsFile)] = []
    /// Measured profiles that replace the ones in the experts' files.
    private(set) var measuredProfiles:
        [(path: String, record: ProfileRecord, expert: (name: String, node: Node), skillReferences: [(name: String, node: Node)])] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var loaded: Set<String> = []

    init(environment: ConfigEnvironment) { self.environment = environment }

    /// Every `*.yaml` / `*.yml` file directly inside `directory`, sorted by name.
    static func yamlFiles(in directory: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    func addExperts(directory: String) {
        guard let files = Self.yamlFiles(in: directory) else { return report(directory, "cannot read the agents folder") }
        if files.isEmpty { report(directory, "the agents folder has no .yaml files") }
        files.forEach(addExpertFile)
    }

    func addSkills(directory: String) {
        guard let files = Self.yamlFiles(in: directory) else { return report(directory, "cannot read the skills folder") }
        if files.isEmpty { report(directory, "the skills folder has no .yaml files") }
        files.forEach(addSkillsFile)
    }

    /// The measured profiles in a pipeline's `registry.profiles` folder, one `<expert>.yaml` per expert.
    func addProfiles(directory: String) {
        guard let files = Self.yamlFiles(in: directory) else {
            return report(directory, "cannot read the profiles folder (conclave profile PIPELINE --dataset VAL.jsonl writes it)")
        }
        for path in files {
            guard let (root, reader) = parse(path) else { continue }
            addProfile(path, root: root, reader: reader)
        }
    }

    /// One parsed measured profile file.
    func addProfile(_ path: String, root: Node, reader: YAMLReader) {
        if let (record, node, references) = ProfileRecord.read(root, reader: reader) {
            measuredProfiles.append((path, record, (record.expert, node), references))
        }
        diagnostics += reader.diagnostics
    }

    func addExpertFile(_ path: String) {
        guard let (root, reader) = parse(path) else { return }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        experts.append((path, ExpertFile.read(root, reader: reader, environment: environment, baseDirectory: base)))
        diagnostics += reader.diagnostics
    }

    func addSkillsFile(_ path: String) {
        guard let (root, reader) = parse(path) else { return }
        skillFiles.append((path, SkillsFile.read(root, reader: reader)))
        diagnostics += reader.diagnostics
    }

    /// Parses a file once; nil (with diagnostics) when it is unreadable or not YAML.
    func parse(_ path: String) -> (Node, YAMLReader)? {
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        guard loaded.insert(canonical).inserted else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            report(path, "cannot read the file")
            return nil
        }
        let text: String
        switch UTF8Text.decode(data) {
        case .success(let decoded): text = decoded
        case .failure(let invalid):
            diagnostics.append(
                Diagnostic(file: path, line: invalid.line, column: 1, message: "the file is not valid UTF-8 (first invalid byte on this line)")
            )
            return nil
        }
        let reader = YAMLReader(file: path)
        guard let root = reader.parse(text) else {
            diagnostics += reader.diagnostics
            return nil
        }
        return (root, reader)
    }

    func report(_ path: String, _ message: String, at node: Node? = nil) {
        diagnostics.append(Diagnostic(file: path, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message))
    }

    func append(_ more: [Diagnostic]) { diagnostics += more }

    /// Duplicate ids, names and aliases, and references to unknown skills.
    func crossCheck() {
        reportDuplicates(experts.compactMap { entry in entry.file.id.map { (entry.path, $0.name, $0.node) } }, kind: "expert id")
        reportDuplicates(skillFiles.flatMap { entry in entry.file.skills.map { (entry.path, $0.skill.name, $0.node) } }, kind: "skill")
        reportDuplicates(skillFiles.flatMap { entry in entry.file.roles.map { (entry.path, $0.role.name, $0.node) } }, kind: "role")
        let known = skillFiles.flatMap { $0.file.skills.map(\.skill.name) }
        let knownSet = Set(known)
        let references =
            experts.flatMap { entry in entry.file.skillReferences.map { (entry.path, $0.name, $0.node) } }
            + measuredProfiles.flatMap { entry in entry.skillReferences.map { (entry.path, $0.name, $0.node) } }
            + skillFiles.flatMap { entry in entry.file.roleSkillReferences.map { (entry.path, $0.name, $0.node) } }
        // Without any skill (or expert) read there is nothing to check names against: the missing or broken
        // files are reported where they are, and a file checked alone is not buried in "unknown" names.
        for (path, name, node) in references where !knownSet.isEmpty && !knownSet.contains(name) {
            report(path, "unknown skill \(Diagnostic.quoted(name))" + YAMLReader.suggestion(for: name, among: known), at: node)
        }
        let expertIDs = experts.compactMap { $0.file.id?.name }
        for entry in measuredProfiles where !expertIDs.isEmpty && !expertIDs.contains(entry.expert.name) {
            report(
                entry.path,
                "profile of unknown expert \(Diagnostic.quoted(entry.expert.name))" + YAMLReader.suggestion(for: entry.expert.name, among: expertIDs),
                at: entry.expert.node
            )
        }
        reportDuplicates(measuredProfiles.map { ($0.path, $0.expert.name, $0.expert.node) }, kind: "measured profile of")
    }

    private func reportDuplicates(_ entries: [(path: String, name: String, node: Node)], kind: String) {
        let groups = Dictionary(grouping: entries, by: \.name).filter { $0.value.count > 1 }
        for (name, group) in groups {
            for entry in group {
                let others = group.filter { $0.path != entry.path || $0.node.mark?.line != entry.node.mark?.line }
                    .map { "\($0.path):\($0.node.mark?.line ?? 1)" }
                report(entry.path, "duplicate \(kind) \(Diagnostic.quoted(name)) (also defined at \(others.joined(separator: ", ")))", at: entry.node)
            }
        }
    }

    /// The registry built from every file that parsed completely; measured profiles replace the experts' own.
    func registry() -> Registry {
        let measured = Dictionary(measuredProfiles.map { ($0.expert.name, $0.record.profile) }, uniquingKeysWith: { first, _ in first })
        return Registry(
            experts: experts.compactMap(\.file.expert).map { expert in
                var expert = expert
                expert.profile = measured[expert.id] ?? expert.profile
                return expert
            },
            skills: skillFiles.flatMap { $0.file.skills.map(\.skill) },
            roles: skillFiles.flatMap { $0.file.roles.map(\.role) }
        )
    }
}
