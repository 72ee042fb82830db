/// The limits of the OpenAI-compatible endpoint (`gateway:` in `conclave.yaml`), enforced per bearer
/// token (or for everyone together when no token is configured) before any upstream call is made.
///
/// ```yaml
/// gateway: { tokens_per_minute: 200000, cost_per_day: 5.0, attempts: 3 }
/// ```
public struct GatewaySpec: Sendable, Hashable {
    /// Tokens (prompt estimate plus the completion's maximum) a client may use per minute; nil: no limit.
    public var tokensPerMinute: Int?
    /// Money a client may spend per UTC day, at the experts' prices; nil: no limit.
    public var costPerDay: Double?
    /// Attempts per expert on 429, 5xx, timeouts and refused connections before falling back to the next
    /// expert the recruiter ranked.
    public var attempts: Int

    public init(tokensPerMinute: Int? = nil, costPerDay: Double? = nil, attempts: Int = 3) {
        self.tokensPerMinute = tokensPerMinute
        self.costPerDay = costPerDay
        self.attempts = max(1, attempts)
    }
}
