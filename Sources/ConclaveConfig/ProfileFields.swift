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
        let scores = fields.numberMap("skills", range: Limits.score)
        let answered = fields.numberMap("answered", range: Limits.answered, integral: true)
        let profile = Profile(
            skills: Dictionary(scores.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
            strength: fields.double("strength", required: false, in: Limits.score),
            aggregatorScore: fields.double("aggregator_score", required: false, in: Limits.share) ?? 0,
            answered: Dictionary(answered.map { ($0.name, Int($0.value)) }, uniquingKeysWith: { a, _ in a }),
            globalRate: fields.double("global_rate", required: false, in: Limits.rate)
        )
        return (profile, (scores + answered).map { ($0.name, $0.node) })
    }
}
