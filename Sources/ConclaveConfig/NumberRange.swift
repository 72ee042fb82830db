/// How an allowed range of numbers reads in a diagnostic: `between 1 and 1024`, `at least 0`.
enum NumberRange {
    static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == .max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        "between \(text(range.lowerBound)) and \(text(range.upperBound))"
    }

    /// `86400`, not `86400.0`; `0.001` as it is.
    private static func text(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
