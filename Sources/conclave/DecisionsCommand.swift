import ArgumentParser
import ConclaveCore
import ConclaveStore
import Foundation

/// `conclave decisions show RUN INSTANCE`: why each expert was or was not recruited, and every call.
struct DecisionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Inspect the decision made for one instance of a run.",
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Skills, scores, team, aggregator and every call with its latency and tokens.")
        @Argument(help: "The run id.") var runID: String
        @Argument(help: "The instance id.") var instance: String
        @OptionGroup var store: StoreOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let opened = try store.open()
            guard let decision = try opened.decisions(run: runID, instances: [instance])[instance] else {
                throw ExitStatus.notFound("no decision for instance '\(instance)' in run '\(runID)' (\(store.resolvedPath))")
            }
            let calls = try opened.calls(run: runID, instance: instance)
            let result = try opened.result(run: runID, instance: instance)
            if json { return try printJSON(Report(decision: decision, calls: calls, result: result)) }
            let skills = decision.skills.map { "\($0.skill) (from “\($0.term)”)" }.joined(separator: ", ")
            print("instance \(instance) of run \(runID)")
            print("skills      \(skills.isEmpty ? "none matched: recruited by global strength" : skills)")
            print("role        \(decision.role ?? "-")")
            print("team        \(decision.recruitment.team.joined(separator: ", "))")
            for line in CollaborationText.lines(for: decision) { print(line) }
            for step in decision.downgrades ?? [] { print("downgraded  \(step)") }
            print("aggregator  \(decision.aggregator)    seed \(decision.seed)\n")
            print(
                Table.render(
                    [["expert", "relevance", "strength", "weight", "seats", "why"]]
                        + decision.recruitment.scores.map {
                            [
                                $0.expert, String(format: "%.3f", $0.relevance), String(format: "%.3f", $0.strength),
                                String(format: "%.4f", $0.weight), "\($0.seats)", $0.reason,
                            ]
                        }
                )
            )
            print("")
            print(
                Table.render(
                    [["stage", "round", "seat", "role", "expert", "latency ms", "tokens in/out", "attempts", "outcome"]]
                        + calls.map { call in
                            let outcome =
                                call.record.error.map { "error: \($0.prefix(80))" }
                                ?? String((call.record.text ?? "").split(whereSeparator: \.isNewline).joined(separator: " ").prefix(60))
                            return [
                                call.key.stage.rawValue, call.key.stage == .expert ? "\(call.key.round + 1)" : "-",
                                call.key.seat.map { String($0 + 1) } ?? "-", call.record.role ?? "-", call.record.expert,
                                String(format: "%.0f", call.record.latencyMs),
                                "\(call.record.inputTokens)/\(call.record.outputTokens)", "\(call.record.attempts)", outcome,
                            ]
                        }
                )
            )
            if let result {
                print(
                    "\nanswer      \(result.extractedAnswer ?? "?")"
                        + (result.gold.map { " (gold \($0), \(result.correct == true ? "correct" : "wrong"))" } ?? "")
                )
                if let reason = result.failureReason { print("failed      \(reason)") }
            }
        }
    }

    struct Report: Encodable {
        var decision: Decision
        var calls: [StoredCall]
        var result: InstanceResult?
    }
}
