/// Builds an expert's profile from graded answers (Symbolic-MoE): for every skill of a question, +1 when
/// the answer was correct and −1 when wrong (a partial score s ∈ 0…1 counts 2s − 1). The global strength
/// is the sum of the skill scores; the profile also keeps how many questions of each skill were answered
/// and the overall rate, so (correct − wrong) / answered can be read per skill.
///
/// ```swift
/// var builder = ProfileBuilder()
/// builder.add(skills: ["algebra", "geometry"], score: 1)
/// builder.add(skills: ["algebra"], score: 0)
/// builder.profile.skills  // ["algebra": 0, "geometry": 1]
/// ```
public struct ProfileBuilder: Sendable {
    private var scores: [String: Double] = [:]
    private var answered: [String: Int] = [:]
    private var questions = 0
    private var net = 0.0

    public init() {}

    /// One graded answer to a question with these skills (each counted once).
    public mutating func add(skills: [String], score: Double) {
        let signed = 2 * score - 1
        for skill in Set(skills) {
            scores[skill, default: 0] += signed
            answered[skill, default: 0] += 1
        }
        questions += 1
        net += signed
    }

    /// The profile so far; `aggregatorScore` is kept from the caller's measurement.
    public func profile(aggregatorScore: Double = 0) -> Profile {
        Profile(
            skills: scores,
            aggregatorScore: aggregatorScore,
            answered: answered,
            globalRate: questions > 0 ? net / Double(questions) : nil
        )
    }

    public var profile: Profile { profile() }
}
