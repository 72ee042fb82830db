import ConclaveCore
import Foundation
import Synchronization

/// The OpenAI-compatible endpoint's per-client limits: a token bucket of `tokens_per_minute` (refilled
/// continuously) and money per UTC day. A request reserves its estimate (prompt characters ÷ 4 plus the
/// completion's maximum, at the dearest candidate expert's prices) before any upstream call, and settles
/// what it really used afterwards, so concurrent requests cannot overrun a limit together.
///
/// ```swift
/// let limits = GatewayLimits(GatewaySpec(tokensPerMinute: 10_000, costPerDay: 1))
/// let reservation = try limits.reserve(client: 0, tokens: 900, cost: 0.002)   // throws OpenAIError 429
/// limits.settle(reservation, tokens: 640, cost: 0.0013)
/// ```
final class GatewayLimits: Sendable {
    /// What one request holds until it settles.
    struct Reservation: Sendable {
        var client: Int?
        var tokens: Int
        var cost: Double
    }

    private struct Account {
        var tokens: Double
        var refilled: ContinuousClock.Instant
        var day: Int
        var spent: Double
    }

    let spec: GatewaySpec
    private let accounts = Mutex<[Int?: Account]>([:])

    init(_ spec: GatewaySpec) { self.spec = spec }

    var isLimited: Bool { spec.tokensPerMinute != nil || spec.costPerDay != nil }

    /// Reserves `tokens` and `cost` for `client`, or throws the OpenAI error a client expects: 429
    /// `rate_limit_exceeded` when the minute's tokens are used up, 429 `insufficient_quota` when the day's
    /// money is.
    func reserve(
        client: Int?,
        tokens: Int,
        cost: Double,
        now: ContinuousClock.Instant = .now,
        date: Date = Date()
    ) throws(OpenAIError)
        -> Reservation
    {
        guard isLimited else { return Reservation(client: client, tokens: 0, cost: 0) }
        let day = Int(date.timeIntervalSince1970 / 86_400)
        let refusal: OpenAIError? = accounts.withLock { accounts in
            var account = accounts[client] ?? Account(tokens: Double(spec.tokensPerMinute ?? 0), refilled: now, day: day, spent: 0)
            if let perMinute = spec.tokensPerMinute {
                let elapsed = (now - account.refilled).inSeconds
                account.tokens = min(Double(perMinute), account.tokens + elapsed * Double(perMinute) / 60)
                account.refilled = now
                if Double(tokens) > account.tokens {
                    accounts[client] = account
                    return OpenAIError(
                        .tooManyRequests,
                        "rate limit: this request needs about \(tokens) tokens and \(Int(account.tokens)) of \(perMinute) per minute are left",
                        type: "tokens",
                        code: "rate_limit_exceeded"
                    )
                }
            }
            if account.day != day { (account.day, account.spent) = (day, 0) }
            if let perDay = spec.costPerDay, account.spent + cost > perDay {
                accounts[client] = account
                return OpenAIError(
                    .tooManyRequests,
                    String(format: "budget: %.6f of today's %.6f is spent and this request may cost up to %.6f", account.spent, perDay, cost),
                    type: "insufficient_quota",
                    code: "insufficient_quota"
                )
            }
            if spec.tokensPerMinute != nil { account.tokens -= Double(tokens) }
            account.spent += cost
            accounts[client] = account
            return nil
        }
        if let refusal { throw refusal }
        return Reservation(client: client, tokens: tokens, cost: cost)
    }

    /// Replaces a reservation by what the request used.
    func settle(_ reservation: Reservation, tokens: Int, cost: Double) {
        guard isLimited else { return }
        accounts.withLock { accounts in
            guard var account = accounts[reservation.client] else { return }
            if let perMinute = spec.tokensPerMinute {
                account.tokens = min(Double(perMinute), account.tokens + Double(reservation.tokens - tokens))
            }
            account.spent = max(0, account.spent - reservation.cost + cost)
            accounts[reservation.client] = account
        }
    }
}
