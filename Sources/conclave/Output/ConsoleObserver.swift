import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import Synchronization

/// Shows a run as it goes: a redrawn progress bar on a terminal, plain progress lines otherwise (every
/// tenth of a stage), and one line per finished instance for runs of up to `instanceLinesUpTo` instances.
final class ConsoleObserver: RunObserver {
    /// What is on the screen and the counts behind it, changed by one reporting task at a time.
    private struct Display {
        let interactive: Bool
        var stage = ""
        var total = 0
        var done = 0
        var stageStart = Date()
        var lastPlainTenth = -1
        var barVisible = false
        var instancesTotal = 0
        var instancesDone = 0
        var runStart = Date()

        /// Calls per second in this stage, and instances done of the run's total with an ETA over the run.
        func rateAndETA() -> String {
            let elapsed = Date().timeIntervalSince(stageStart)
            guard done > 0, elapsed > 0 else { return "instances \(instancesDone)/\(instancesTotal)" }
            var text = String(format: "%.1f calls/s · instances %d/%d", Double(done) / elapsed, instancesDone, instancesTotal)
            let runElapsed = Date().timeIntervalSince(runStart)
            if instancesDone > 0, instancesTotal > instancesDone {
                text += String(format: " · ETA %.0f s", Double(instancesTotal - instancesDone) * runElapsed / Double(instancesDone))
            }
            return text
        }

        mutating func draw(note: String?) {
            let width = 24
            let filled = total == 0 ? width : done * width / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(stage) \(bar) \(done)/\(total) \(note ?? rateAndETA())".utf8))
            barVisible = true
        }

        mutating func clearBar() {
            guard barVisible else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
            barVisible = false
        }
    }

    private let display: Mutex<Display>
    private let instanceLinesUpTo: Int

    init(interactive: Bool = standardErrorIsTerminal, instanceLinesUpTo: Int = 200) {
        self.display = Mutex(Display(interactive: interactive))
        self.instanceLinesUpTo = instanceLinesUpTo
    }

    func runStarted(id: String, instances: Int) {
        display.withLock {
            $0.instancesTotal = instances
            $0.runStart = Date()
        }
    }

    func alreadyDone(_ count: Int) {
        display.withLock {
            $0.instancesDone += count
            $0.clearBar()
            printError("\(count) instances already answered by an earlier session of this run")
        }
    }

    func warning(_ message: String) {
        display.withLock {
            $0.clearBar()
            printError("warning: \(message)")
        }
    }

    func skipped(_ problem: Diagnostic) {
        display.withLock {
            $0.clearBar()
            printError("skipped dataset line: \(problem)")
        }
    }

    func stageStarted(_ step: PlanStep, calls: Int) {
        display.withLock {
            $0.clearBar()
            $0.stage = step.description
            $0.total = calls
            $0.done = 0
            $0.lastPlainTenth = -1
            $0.stageStart = Date()
            printError("stage \(step): \(calls) calls")
        }
    }

    func loading(model: String) {
        display.withLock {
            guard !$0.interactive else { return $0.draw(note: "loading \(Self.shortName(model))") }
            printError("  model \(Self.shortName(model))")
        }
    }

    func callFinished(_ call: CallRecord) {
        display.withLock { display in
            display.done += 1
            if let error = call.error {
                display.clearBar()
                printError("  call to \(call.expert) failed: \(error.prefix(300))")
            }
            if display.interactive { return display.draw(note: nil) }
            let tenth = display.total == 0 ? 10 : display.done * 10 / display.total
            if tenth != display.lastPlainTenth {
                display.lastPlainTenth = tenth
                printError("  \(display.stage): \(display.done)/\(display.total) calls \(display.rateAndETA())")
            }
        }
    }

    func instanceFinished(_ result: InstanceResult) {
        display.withLock { display in
            display.instancesDone += 1
            guard display.instancesTotal <= instanceLinesUpTo else { return }
            display.clearBar()
            print(Self.line(for: result))
        }
    }

    /// `id  skills: …  team: …  answer: X (gold Y) ✓`, then the aggregator's words.
    static func line(for result: InstanceResult) -> String {
        var counts: [(String, Int)] = []
        for id in result.experts {
            if let index = counts.firstIndex(where: { $0.0 == id }) { counts[index].1 += 1 } else { counts.append((id, 1)) }
        }
        let team = counts.map { $0.1 > 1 ? "\($0.0)×\($0.1)" : $0.0 }.joined(separator: ", ")
        let skills = result.skills.isEmpty ? "(none matched)" : result.skills.joined(separator: ", ")
        var line = "\(result.id)  skills: \(skills)  team: \(team)"
        if let reason = result.failureReason { return line + "  FAILED: \(reason)" }
        line += "  answer: \(result.extractedAnswer ?? "?")"
        if let gold = result.gold { line += " (gold \(gold)) " + (result.correct == true ? "✓" : "✗") }
        let words = (result.finalAnswer ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line + "\n    “" + (words.count > 100 ? words.prefix(100) + "…" : words) + "”"
    }

    private static func shortName(_ modelKey: String) -> String {
        URL(fileURLWithPath: String(modelKey.split(separator: ":", maxSplits: 1).last ?? "")).deletingPathExtension().lastPathComponent
    }
}
