import ConclaveCore
import Foundation
import Yams

/// Reads a pipeline's `collaboration` block; every unknown mode, finish or downgrade step is reported at
/// its position, with the closest known name.
///
/// ```yaml
/// collaboration: { mode: debate, rounds: 2, finish: vote, agents: 3, downgrade: [mode, agents, experts] }
/// collaboration: { policy: modes.yaml, rounds: 2 }   # the mode chosen per instance by a learned policy
/// ```
enum CollaborationFields {
    static let keys = ["mode", "rounds", "finish", "agents", "downgrade", "policy"]

    /// The settings; `resolve` turns a relative policy path into one relative to the pipeline file.
    static func read(_ fields: Fields?, reader: YAMLReader, resolve: (String) -> URL) -> CollaborationSpec {
        var spec = CollaborationSpec.ensemble
        guard let fields else { return spec }
        if let mode = fields.named("mode", required: false) {
            spec.mode = known(mode, as: "mode", reader: reader) ?? spec.mode
        }
        if let policy = fields.string("policy", required: false) { spec.policy = resolve(policy) }
        spec.rounds = fields.int("rounds", required: false, in: Limits.rounds) ?? spec.rounds
        spec.agents = fields.int("agents", required: false, in: Limits.k)
        if let finish = fields.named("finish", required: false), let given: Finish = known(finish, as: "finish", reader: reader) {
            if spec.mode.finishes.contains(given) {
                spec.finish = given
            } else {
                reader.report(
                    finish.node,
                    "mode '\(spec.mode.rawValue)' cannot finish by '\(given.rawValue)'; it finishes by "
                        + spec.mode.finishes.map { "'\($0.rawValue)'" }.joined(separator: " or ")
                )
            }
        }
        if fields.value("downgrade", required: false) != nil {
            let steps = fields.strings("downgrade").compactMap { name, node -> DowngradeStep? in
                known((name, node), as: "downgrade step", reader: reader)
            }
            if Set(steps).count != steps.count { reader.report(fields.value("downgrade"), "each downgrade step may be named once") }
            spec.downgradeOrder = steps
        }
        return spec
    }

    /// The case named, or nil after reporting the name with the closest known one.
    private static func known<Value: RawRepresentable & CaseIterable>(
        _ named: (name: String, node: Node),
        as what: String,
        reader: YAMLReader
    ) -> Value?
    where Value.RawValue == String {
        if let value = Value(rawValue: named.name) { return value }
        let names = Value.allCases.map(\.rawValue)
        reader.report(named.node, "unknown \(what) \(Diagnostic.quoted(named.name))" + YAMLReader.suggestion(for: named.name, among: names))
        return nil
    }
}
