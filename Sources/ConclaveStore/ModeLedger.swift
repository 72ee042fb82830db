import ConclaveCore

/// What one collaboration mode did in a run: instances, accuracy, calls, tokens, cost, and the time its
/// calls took (summed latencies: modes share each step's batches, so a mode has no wall time of its own).
public struct ModeAccount: Sendable, Hashable, Codable {
    public var mode: CollaborationMode
    public var instances = 0
    public var answered = 0
    public var graded = 0
    public var correct = 0
    public var calls = 0
    public var failedCalls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var cost = 0.0
    public var callSeconds = 0.0

    public init(mode: CollaborationMode) { self.mode = mode }

    public var accuracy: Double? { graded == 0 ? nil : Double(correct) / Double(graded) }
}

/// Tallies a run's results per collaboration mode (results stored before modes count as `ensemble`).
///
/// ```swift
/// var ledger = ModeLedger()
/// try store.forEachResult(run: "r1") { ledger.add($0) }
/// for account in ledger.accounts { print(account.mode, account.accuracy ?? 0) }
/// ```
public struct ModeLedger: Sendable, Hashable {
    private var byMode: [CollaborationMode: ModeAccount] = [:]

    public init() {}

    public mutating func add(_ result: InstanceResult) {
        let mode = result.mode ?? .ensemble
        var account = byMode[mode] ?? ModeAccount(mode: mode)
        let calls = result.responses + (result.aggregation.map { [$0] } ?? [])
        account.instances += 1
        if result.status == .answered { account.answered += 1 }
        if let correct = result.correct {
            account.graded += 1
            if correct { account.correct += 1 }
        }
        account.calls += calls.count
        account.failedCalls += calls.filter { !$0.succeeded }.count
        account.inputTokens += result.inputTokens
        account.outputTokens += result.outputTokens
        account.cost += result.cost
        account.callSeconds += result.latencyMs / 1000
        byMode[mode] = account
    }

    /// One account per mode that ran, in the order of `CollaborationMode.allCases`.
    public var accounts: [ModeAccount] { CollaborationMode.allCases.compactMap { byMode[$0] } }
}
