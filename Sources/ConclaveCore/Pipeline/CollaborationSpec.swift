import Foundation

/// A pipeline's collaboration settings: the mode (or the pin from `--mode`), its rounds, how it ends, how
/// many agents it seats, and the order budget downgrades go in.
///
/// ```yaml
/// collaboration: { mode: debate, rounds: 2, finish: vote, agents: 3, downgrade: [agents, experts, mode] }
/// ```
public struct CollaborationSpec: Sendable, Hashable {
    public var mode: CollaborationMode
    /// Whether `mode` is pinned for an ablation (`conclave run --mode`).
    public var pinned: Bool
    /// Debate rounds, reflection cycles, layers (ignored by the other modes).
    public var rounds: Int
    /// How the mode ends (nil: the mode's own default).
    public var finish: Finish?
    /// Agents the modes that seat several use (nil: the recruiter's k).
    public var agents: Int?
    /// What a plan over the instance budget gives up first.
    public var downgradeOrder: [DowngradeStep]
    /// A mode policy learned by `conclave train-controller`; it chooses the mode unless `pinned`.
    public var policy: URL?
    /// The share of instances whose mode is drawn at random, for learning (`conclave run --explore`).
    public var explore: Double

    public init(
        mode: CollaborationMode = .ensemble,
        pinned: Bool = false,
        rounds: Int = 2,
        finish: Finish? = nil,
        agents: Int? = nil,
        downgradeOrder: [DowngradeStep] = DowngradeStep.allCases,
        policy: URL? = nil,
        explore: Double = 0
    ) {
        self.policy = policy
        self.explore = explore
        self.mode = mode
        self.pinned = pinned
        self.rounds = rounds
        self.finish = finish
        self.agents = agents
        self.downgradeOrder = downgradeOrder
    }

    /// Pins every instance to `mode` (`conclave run --mode`), over the pipeline's mode and policy.
    public mutating func pin(_ mode: CollaborationMode) {
        self.mode = mode
        pinned = true
    }

    /// Today's default: an ensemble of k experts and the aggregator.
    public static let ensemble = CollaborationSpec()

    /// The rounds `mode` runs with these settings (1 for modes without rounds).
    public func rounds(for mode: CollaborationMode) -> Int {
        switch mode {
        case .debate, .reflection, .layered: max(1, rounds)
        case .single, .ensemble, .chain: 1
        }
    }

    /// How `mode` ends with these settings: the pipeline's finish when the mode allows it, else its own.
    public func finish(for mode: CollaborationMode) -> Finish {
        finish.flatMap { mode.finishes.contains($0) ? $0 : nil } ?? mode.defaultFinish
    }
}

/// One way to bring a plan under the instance budget.
public enum DowngradeStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fewer agents: drop the seat of the lowest weight, down to one.
    case agents
    /// Cheaper experts: move the seats to the cheapest expert whose calls fit.
    case experts
    /// A simpler mode: layered and debate become ensemble, the others single.
    case mode
}
