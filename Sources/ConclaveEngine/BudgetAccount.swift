import ConclaveCore
import Foundation
import Synchronization

/// What a run has spent and set aside against its `Budget`, shared by the calls in flight: a call reserves
/// its cost ceiling before it is sent and settles to its actual cost when it is done, so the spent and
/// reserved amounts together never exceed a limit.
///
/// ```swift
/// let account = BudgetAccount(budget: Budget(perRun: 1.5), spent: try store.spentCost(run: id))
/// if let refusal = account.reserve(ceiling, instance: "q1") { … record the call as refused … }
/// account.settle(reserved: ceiling, actual: record.cost, instance: "q1")
/// ```
public final class BudgetAccount: Sendable {
    /// Why a call was not sent.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private struct Ledger {
        var run = 0.0
        var instances: [String: Double] = [:]
        var refusals = 0
    }

    public let budget: Budget
    private let ledger: Mutex<Ledger>

    /// An account that starts with what the run already spent (a resumed run).
    public init(budget: Budget, spent: Double = 0) {
        self.budget = budget
        self.ledger = Mutex(Ledger(run: spent))
    }

    /// Counts calls already made for an instance in an earlier session against its limit.
    public func noteSpent(_ amount: Double, instance: String) {
        ledger.withLock { $0.instances[instance, default: 0] += amount }
    }

    /// Sets `ceiling` aside for a call of `instance`, or says why it does not fit.
    public func reserve(_ ceiling: Double, instance: String) -> Refusal? {
        ledger.withLock { ledger in
            let instanceSpent = ledger.instances[instance, default: 0]
            if let limit = budget.perRun, ledger.run + ceiling > limit {
                ledger.refusals += 1
                return Refusal(
                    description:
                        "over the run's budget: this call could cost up to \(Self.format(ceiling)); \(Self.format(max(0, limit - ledger.run))) of \(Self.format(limit)) is left"
                )
            }
            if let limit = budget.perInstance, instanceSpent + ceiling > limit {
                ledger.refusals += 1
                return Refusal(
                    description:
                        "over the instance's budget: this call could cost up to \(Self.format(ceiling)); \(Self.format(max(0, limit - instanceSpent))) of \(Self.format(limit)) is left"
                )
            }
            ledger.run += ceiling
            ledger.instances[instance] = instanceSpent + ceiling
            return nil
        }
    }

    /// Replaces a call's reservation by what it cost.
    public func settle(reserved: Double, actual: Double, instance: String) {
        ledger.withLock { ledger in
            ledger.run += actual - reserved
            ledger.instances[instance, default: 0] += actual - reserved
        }
    }

    /// What the run has spent (and has reserved for calls in flight).
    public var spent: Double { ledger.withLock { $0.run } }

    /// How many calls were refused.
    public var refusals: Int { ledger.withLock { $0.refusals } }

    private static func format(_ value: Double) -> String { String(format: "%.6g", value) }
}
