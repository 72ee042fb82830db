import ConclaveCore
import Foundation
import Synchronization

/// What a run has spent and set aside against its `Budget`, in money and tokens, shared by the calls in
/// flight: a call reserves its ceiling before it is sent and settles to what it actually spent when it is
/// done, so the spent and reserved amounts together never exceed a limit.
///
/// ```swift
/// let account = BudgetAccount(budget: Budget(perRun: 1.5), spent: try await store.spent(run: id))
/// if let refusal = account.reserve(ceiling, instance: "q1") { … record the call as refused … }
/// account.settle(reserved: ceiling, actual: Spend(cost: record.cost, tokens: 120), instance: "q1")
/// ```
public final class BudgetAccount: Sendable {
    /// Why a call was not sent.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private struct Ledger {
        var run = Spend.zero
        var instances: [String: Spend] = [:]
        var refusals = 0
    }

    public let budget: Budget
    private let ledger: Mutex<Ledger>

    /// An account that starts with what the run already spent (a resumed run).
    public init(budget: Budget, spent: Spend = .zero) {
        self.budget = budget
        self.ledger = Mutex(Ledger(run: spent))
    }

    /// Counts calls already made for an instance in an earlier session against its limits.
    public func noteSpent(_ amount: Spend, instance: String) {
        ledger.withLock { $0.instances[instance, default: .zero] = $0.instances[instance, default: .zero] + amount }
    }

    /// Sets `ceiling` aside for a call of `instance`, or says why it does not fit.
    public func reserve(_ ceiling: Spend, instance: String) -> Refusal? {
        ledger.withLock { ledger in
            let instanceSpent = ledger.instances[instance, default: .zero]
            let checks: [(String, Double?, Double, Double, (Double) -> String)] = [
                ("the run's budget", budget.perRun, ledger.run.cost, ceiling.cost, Self.money),
                ("the instance's budget", budget.perInstance, instanceSpent.cost, ceiling.cost, Self.money),
                ("the run's token budget", budget.perRunTokens.map(Double.init), Double(ledger.run.tokens), Double(ceiling.tokens), Self.tokens),
                (
                    "the instance's token budget", budget.perInstanceTokens.map(Double.init), Double(instanceSpent.tokens), Double(ceiling.tokens),
                    Self.tokens
                ),
            ]
            for (name, limit, spent, asked, format) in checks {
                guard let limit, spent + asked > limit else { continue }
                ledger.refusals += 1
                return Refusal(
                    description:
                        "over \(name): this call could use up to \(format(asked)); \(format(max(0, limit - spent))) of \(format(limit)) is left"
                )
            }
            ledger.run = ledger.run + ceiling
            ledger.instances[instance] = instanceSpent + ceiling
            return nil
        }
    }

    /// Replaces a call's reservation by what it spent.
    public func settle(reserved: Spend, actual: Spend, instance: String) {
        ledger.withLock { ledger in
            ledger.run = ledger.run + actual - reserved
            ledger.instances[instance] = ledger.instances[instance, default: .zero] + actual - reserved
        }
    }

    /// What the run has spent (and has reserved for calls in flight).
    public var spent: Spend { ledger.withLock { $0.run } }

    /// How many calls were refused.
    public var refusals: Int { ledger.withLock { $0.refusals } }

    private static func money(_ value: Double) -> String { String(format: "%.6g", value) }
    private static func tokens(_ value: Double) -> String { "\(Int(value)) tokens" }
}
