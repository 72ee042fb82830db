import ConclaveCore
import Foundation
import Yams

/// A mode policy as YAML: what `conclave train-controller` writes and a pipeline's
/// `collaboration.policy` reads. Every problem is reported with its file, line and column.
///
/// ```yaml
/// kind: mode-policy
/// lambda: 0
/// modes:
///   ensemble: { success: 0.42, cost: 0.0001, instances: 50 }
///   debate: { success: 0.46, cost: 0.0003, instances: 50 }
/// skills:
///   anatomy:
///     debate: { success: 0.5, cost: 0.0003, instances: 4 }
/// ```
public enum ModePolicyFile {
    static let keys = ["kind", "lambda", "modes", "skills", "trained_on"]
    static let estimateKeys = ["success", "cost", "instances"]

    /// The file's text; `trainedOn` says which runs it was fitted on, in a comment and a field.
    public static func yaml(_ policy: ModePolicy, trainedOn runs: [String]) -> String {
        func estimate(_ value: ModePolicy.Estimate) -> String {
            String(format: "{ success: %.6g, cost: %.6g, instances: %d }", value.success, value.cost, value.instances)
        }
        func modes(_ values: [CollaborationMode: ModePolicy.Estimate], indent: String) -> String {
            CollaborationMode.allCases.compactMap { mode in values[mode].map { "\(indent)\(mode.rawValue): \(estimate($0))" } }
                .joined(separator: "\n")
        }
        var lines = [
            "# A collaboration-mode policy written by `conclave train-controller`. Use it in a pipeline with",
            "# `collaboration: { policy: <this file> }`.",
            "kind: mode-policy",
            "trained_on: [" + runs.map { "\"\($0)\"" }.joined(separator: ", ") + "]",
            String(format: "lambda: %.6g", policy.lambda),
            "modes:",
            modes(policy.modes, indent: "  "),
        ]
        lines.append(policy.skills.isEmpty ? "skills: {}" : "skills:")
        for skill in policy.skills.keys.sorted() {
            lines.append("  \"\(skill.replacingOccurrences(of: "\"", with: "\\\""))\":")
            lines.append(modes(policy.skills[skill] ?? [:], indent: "    "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a policy file; throws every problem found.
    public static func read(_ path: String) throws(ConfigurationError) -> ModePolicy {
        let workspace = ConfigWorkspace(environment: .current())
        guard let (root, reader) = workspace.parse(path) else { throw ConfigurationError(workspace.diagnostics) }
        let policy = read(root, reader: reader)
        guard let policy, reader.diagnostics.isEmpty else { throw ConfigurationError(workspace.diagnostics + reader.diagnostics) }
        return policy
    }

    static func read(_ root: Node, reader: YAMLReader) -> ModePolicy? {
        guard let fields = reader.fields(root, of: "mode policy", allowed: keys) else { return nil }
        if let kind = fields.named("kind"), kind.name != "mode-policy" {
            reader.report(kind.node, "kind must be 'mode-policy', not \(Diagnostic.quoted(kind.name))")
        }
        let lambda = fields.double("lambda", required: false, in: Limits.lambda) ?? 0
        guard let modesNode = fields.value("modes") else { return nil }
        let modes = estimates(modesNode, of: "'modes'", reader: reader)
        if modes.isEmpty { reader.report(modesNode, "a mode policy needs at least one mode") }
        var skills: [String: [CollaborationMode: ModePolicy.Estimate]] = [:]
        if let skillsNode = fields.value("skills", required: false) {
            guard case .mapping(let mapping) = skillsNode else {
                reader.report(skillsNode, "'skills' must map skill names to modes")
                return nil
            }
            for (key, value) in mapping {
                guard let skill = key.string, !skill.isEmpty else {
                    reader.report(key, "skill names must be strings")
                    continue
                }
                skills[skill] = estimates(value, of: "skill \(Diagnostic.quoted(skill))", reader: reader)
            }
        }
        return ModePolicy(lambda: lambda, modes: modes, skills: skills)
    }

    /// A mapping of mode names to estimates.
    private static func estimates(_ node: Node, of what: String, reader: YAMLReader) -> [CollaborationMode: ModePolicy.Estimate] {
        guard case .mapping(let mapping) = node else {
            reader.report(node, "\(what) must map mode names to { success, cost, instances }")
            return [:]
        }
        var found: [CollaborationMode: ModePolicy.Estimate] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let mode = CollaborationMode(rawValue: name) else {
                let name = key.string ?? ""
                reader.report(
                    key,
                    "unknown mode \(Diagnostic.quoted(name))" + YAMLReader.suggestion(for: name, among: CollaborationMode.allCases.map(\.rawValue))
                )
                continue
            }
            guard let fields = reader.fields(value, of: "mode '\(name)' of \(what)", allowed: estimateKeys),
                let success = fields.double("success", in: 0...1),
                let cost = fields.double("cost", in: Limits.budget)
            else { continue }
            found[mode] = ModePolicy.Estimate(
                success: success,
                cost: cost,
                instances: fields.int("instances", required: false, in: Limits.count) ?? 0
            )
        }
        return found
    }
}
