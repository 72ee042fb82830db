/// Hard limits of a run, in money (the currency of the experts' prices) and in tokens (input and output
/// together): per instance and for the whole run (each optional). The engine reserves a call's ceiling
/// before sending it and refuses a call whose ceiling does not fit what is left, so what a run spends
/// never exceeds its limits.
///
/// ```yaml
/// budget: { per_instance: 0.002, per_run: 1.50, per_instance_tokens: 4000, per_run_tokens: 2000000 }
/// ```
public struct Budget: Sendable, Hashable {
    public var perInstance: Double?
    public var perRun: Double?
    public var perInstanceTokens: Int?
    public var perRunTokens: Int?

    public init(perInstance: Double? = nil, perRun: Double? = nil, perInstanceTokens: Int? = nil, perRunTokens: Int? = nil) {
        self.perInstance = perInstance
        self.perRun = perRun
        self.perInstanceTokens = perInstanceTokens
        self.perRunTokens = perRunTokens
    }

    /// No limit.
    public static let unlimited = Budget()

    /// Whether any limit is set.
    public var isLimited: Bool { perInstance != nil || perRun != nil || perInstanceTokens != nil || perRunTokens != nil }
}

/// What calls spend or may spend: money and tokens (input and output together).
public struct Spend: Sendable, Hashable {
    public var cost: Double
    public var tokens: Int

    public init(cost: Double = 0, tokens: Int = 0) {
        self.cost = cost
        self.tokens = tokens
    }

    public static let zero = Spend()

    public static func + (a: Spend, b: Spend) -> Spend { Spend(cost: a.cost + b.cost, tokens: a.tokens + b.tokens) }
    public static func - (a: Spend, b: Spend) -> Spend { Spend(cost: a.cost - b.cost, tokens: a.tokens - b.tokens) }
}

extension Expert {
    /// The most one call with these messages can spend: every UTF-8 byte of the messages counted as a token
    /// (a token covers at least one byte), 8 more tokens per message and 64 per call for the chat template's
    /// own text, at the input price; `max_tokens` at the output price.
    public func ceiling(messages: [ChatMessage]) -> Spend {
        let input = messages.reduce(0) { $0 + $1.content.utf8.count } + 8 * messages.count + 64
        return Spend(cost: price.cost(inputTokens: input, outputTokens: sampling.maxTokens), tokens: input + sampling.maxTokens)
    }
}
