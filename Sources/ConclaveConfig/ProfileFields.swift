import ConclaveCore
import Yams

/// The `profile:` block shared by `Agents/*.yaml` and the measured profile files that `conclave profile`
/// exports: skill scores, strength, aggregator score, answered counts and global rate.
///
/// ```yaml
/// profile:
///   skills: { biology: 3, physics: -1 }
///   answered: { biology: 5, physics: 3 }
///   global_rate: 0.12
///   aggregator_score: 0.4
/// ```
enum ProfileFields {
    static let keys = ["skills", "strength", "aggregator_score", "answered", "global_rate"]

    /// The profile, with the key node of every skill it names so they can be checked against the vocabulary.
    static func read(_ fields: Fields) -> (profile: Profile, skillReferences: [(name: String, node: Node)]) {
        let scores = fields.numberMap("skills")
        let answered = fields.value("answered", required: false) == nil ? [] : fields.numberMap("answered")
        let profile = Profile(skills: Dictionary(scores.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                              strength: fields.double("strength", required: false),
                              aggregatorScore: fields.double("aggregator_score", required: false) ?? 0,
                              answered: Dictionary(answered.map { ($0.name, Int($0.value)) }, uniquingKeysWith: { a, _ in a }),
                              globalRate: fields.double("global_rate", required: false, minimum: -1))
        return (profile, (scores + answered).map { ($0.name, $0.node) })
    }
}
