import ConclaveCore
import Foundation

/// Loads configuration for a run, and validates any set of configuration files for `conclave validate`.
///
/// ```swift
/// let pipeline = try ConfigLoader.loadPipeline("examples/quickstart/pipeline.yaml")
/// let problems = ConfigLoader.validate(paths: ["Agents", "Skills"])  // [Diagnostic], empty when all is well
/// ```
public enum ConfigLoader {
    /// The pipeline and its registry; throws every problem found, each with file, line and column.
    public static func loadPipeline(_ path: String, environment: ConfigEnvironment = .current()) throws(ConfigurationError) -> LoadedPipeline {
        let workspace = ConfigWorkspace(environment: environment)
        guard let (root, reader) = workspace.parse(path) else { throw ConfigurationError(workspace.diagnostics) }
        let pipeline = PipelineFile.read(root, path: path, reader: reader)
        workspace.append(reader.diagnostics)
        guard let spec = pipeline.spec else { throw ConfigurationError(workspace.diagnostics) }
        workspace.addExperts(directory: spec.agentsDirectory.path)
        workspace.addSkills(directory: spec.skillsDirectory.path)
        if let profiles = spec.profilesDirectory { workspace.addProfiles(directory: profiles.path) }
        workspace.crossCheck()
        let registry = workspace.registry()
        pipeline.checkReferences(against: registry, path: path, workspace: workspace)
        guard workspace.diagnostics.isEmpty else { throw ConfigurationError(workspace.diagnostics) }
        var resolved = spec
        if !spec.aggregatorPinned, let best = registry.bestAggregator { resolved.aggregatorExpert = best.id }
        return LoadedPipeline(
            spec: resolved,
            registry: registry,
            measuredProfiles: workspace.measuredProfiles.map(\.record),
            learned: try LearnedRoutingLoader.fit(resolved, registry: registry),
            modePolicy: try resolved.collaboration.policy.map { url throws(ConfigurationError) in try ModePolicyFile.read(url.path) }
        )
    }

    /// The skills declared in a `Skills/` folder (the registry vocabulary, without experts).
    public static func loadSkills(directory: String, environment: ConfigEnvironment = .current()) throws(ConfigurationError) -> [Skill] {
        let workspace = ConfigWorkspace(environment: environment)
        workspace.addSkills(directory: directory)
        guard workspace.diagnostics.isEmpty else { throw ConfigurationError(workspace.diagnostics) }
        return workspace.registry().skills
    }

    /// Every problem in the given files and folders (default: `Agents`, `Skills` and `examples/*/pipeline.yaml`
    /// under the current folder). A file under a folder named `Agents` is an expert, under `Skills` a skills
    /// file, one with a top-level `expert` key a measured profile, anything else a pipeline. Sibling files
    /// are read for context (duplicate ids, skill references) but only the files asked about are reported.
    public static func validate(paths: [String], environment: ConfigEnvironment = .current()) -> [Diagnostic] {
        let requested = expand(paths.isEmpty ? defaultPaths() : paths)
        let workspace = ConfigWorkspace(environment: environment)
        var pipelines: [(String, PipelineFile)] = []
        for path in requested {
            switch kind(of: path) {
            case .expert: workspace.addExpertFile(path)
            case .skills: workspace.addSkillsFile(path)
            case .pipeline:
                guard let (root, reader) = workspace.parse(path) else { continue }
                if ProfileRecord.isFile(root) {
                    workspace.addProfile(path, root: root, reader: reader)
                    continue
                }
                if ServiceFile.isFile(root) {
                    _ = ServiceFile.read(root, path: path, reader: reader)
                    workspace.append(reader.diagnostics)
                    continue
                }
                let pipeline = PipelineFile.read(root, path: path, reader: reader)
                workspace.append(reader.diagnostics)
                pipelines.append((path, pipeline))
                if let spec = pipeline.spec {
                    workspace.addExperts(directory: spec.agentsDirectory.path)
                    workspace.addSkills(directory: spec.skillsDirectory.path)
                    if let profiles = spec.profilesDirectory { workspace.addProfiles(directory: profiles.path) }
                }
            }
        }
        let reported = Set(workspace.diagnostics.map(\.file)).union(requested)
            .union(workspace.experts.map(\.path)).union(workspace.skillFiles.map(\.path)).union(workspace.measuredProfiles.map(\.path))
        addContext(for: requested, to: workspace)
        workspace.crossCheck()
        let registry = workspace.registry()
        for (path, pipeline) in pipelines { pipeline.checkReferences(against: registry, path: path, workspace: workspace) }
        return Array(Set(workspace.diagnostics.filter { reported.contains($0.file) })).sorted()
    }

    enum Kind { case expert, skills, pipeline }

    static func kind(of path: String) -> Kind {
        let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.dropLast()
        if components.contains("Agents") { return .expert }
        if components.contains("Skills") { return .skills }
        return .pipeline
    }

    /// Sibling expert files and the neighbouring `Skills` folder, so one file can be checked in context.
    private static func addContext(for requested: [String], to workspace: ConfigWorkspace) {
        for path in requested {
            let directory = (path as NSString).deletingLastPathComponent
            switch kind(of: path) {
            case .expert:
                ConfigWorkspace.yamlFiles(in: directory.isEmpty ? "." : directory)?.forEach(workspace.addExpertFile)
                var agentsRoot = URL(fileURLWithPath: path).deletingLastPathComponent()
                while agentsRoot.lastPathComponent != "Agents", agentsRoot.path != "/" { agentsRoot.deleteLastPathComponent() }
                let skills = agentsRoot.deletingLastPathComponent().appendingPathComponent("Skills").path
                ConfigWorkspace.yamlFiles(in: skills)?.forEach(workspace.addSkillsFile)
            case .skills:
                ConfigWorkspace.yamlFiles(in: directory.isEmpty ? "." : directory)?.forEach(workspace.addSkillsFile)
            case .pipeline:
                break
            }
        }
    }

    private static func defaultPaths() -> [String] {
        let examples =
            (try? FileManager.default.contentsOfDirectory(atPath: "examples"))?.sorted()
            .flatMap { ["examples/\($0)/pipeline.yaml", "examples/\($0)/conclave.yaml"] }
            .filter { FileManager.default.fileExists(atPath: $0) } ?? []
        return ["Agents", "Skills"].filter { FileManager.default.fileExists(atPath: $0) } + examples
    }

    /// Folders become the YAML files under them, recursively.
    private static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let entries = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
            return entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }
    }
}
