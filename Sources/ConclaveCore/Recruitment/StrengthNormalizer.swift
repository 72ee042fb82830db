import Foundation

/// Turns raw global strengths into a probability-like weight per expert, as in Symbolic-MoE: shift so the
/// minimum is 1 when any strength is negative, raise to 1/T, divide by the sum.
///
/// ```swift
/// StrengthNormalizer(temperature: 0.5).normalize([-2, 0, 3])  // [1, 9, 36] / 46
/// ```
public struct StrengthNormalizer: Sendable {
    /// The temperature T, kept in 0.01…100 (the range pipeline validation allows; NaN reads as 0.5) so no
    /// caller can make 1/T divide by zero.
    public let temperature: Double

    public init(temperature: Double = 0.5) {
        self.temperature = temperature.isNaN ? 0.5 : min(max(temperature, 0.01), 100)
    }

    /// Normalised strengths in the same order; uniform when every strength is zero.
    public func normalize(_ strengths: [Double]) -> [Double] {
        guard let minimum = strengths.min() else { return [] }
        let shifted = minimum < 0 ? strengths.map { $0 - minimum + 1 } : strengths
        let powered = shifted.map { pow($0, 1 / temperature) }
        let total = powered.reduce(0, +)
        guard total > 0 else { return strengths.map { _ in 1 / Double(strengths.count) } }
        return powered.map { $0 / total }
    }
}
