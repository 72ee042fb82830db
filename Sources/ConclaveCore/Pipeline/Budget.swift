/// Hard spending limits of a run, in the currency of the experts' prices: per instance and for the whole
/// run (each optional). The engine reserves a call's cost ceiling before sending it and refuses a call
/// whose ceiling does not fit what is left, so what a run spends never exceeds its limits.
///
/// ```yaml
/// budget: { per_instance: 0.002, per_run: 1.50 }
/// ```
public struct Budget: Sendable, Hashable {
    public var perInstance: Double?
    public var perRun: Double?

    public init(perInstance: Double? = nil, perRun: Double? = nil) {
        self.perInstance = perInstance
        self.perRun = perRun
    }

    /// No limit.
    public static let unlimited = Budget()

    /// Whether any limit is set.
    public var isLimited: Bool { perInstance != nil || perRun != nil }
}

extension Expert {
    /// The most one call with these messages can cost: every UTF-8 byte of the messages counted as a token
    /// (a token covers at least one byte), 8 more tokens per message and 64 per call for the chat template's
    /// own text, at the input price; `max_tokens` at the output price.
    public func costCeiling(messages: [ChatMessage]) -> Double {
        let bytes = messages.reduce(0) { $0 + $1.content.utf8.count }
        return price.cost(inputTokens: bytes + 8 * messages.count + 64, outputTokens: sampling.maxTokens)
    }
}
