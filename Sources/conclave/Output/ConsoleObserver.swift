import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation

/// Shows a run as it goes: a redrawn progress bar on a terminal, plain progress lines otherwise (every
/// tenth of a stage), and one line per finished instance for runs of up to `instanceLinesUpTo` instances.
final class ConsoleObserver: RunObserver, @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private var stage = ""
    private var total = 0
    private var done = 0
    private var stageStart = Date()
    private var lastPlainTenth = -1
    private var barVisible = false
    private var instancesTotal = 0
    private var instancesDone = 0
    private var runStart = Date()

    private let instanceLinesUpTo: Int

    init(interactive: Bool = standardErrorIsTerminal, instanceLinesUpTo: Int = 200) {
        self.interactive = interactive
        self.instanceLinesUpTo = instanceLinesUpTo
    }

    func runStarted(id: String, instances: Int) {
        lock.withLock {
            instancesTotal = instances
            runStart = Date()
        }
    }

    func alreadyDone(_ count: Int) {
        lock.withLock {
            instancesDone += count
            clearBar()
            printError("\(count) instances already answered by an earlier session of this run")
        }
    }

    func warning(_ message: String) {
        lock.withLock {
            clearBar()
            printError("warning: \(message)")
        }
    }

    func skipped(_ problem: Diagnostic) {
        lock.withLock {
            clearBar()
            printError("skipped dataset line: \(problem)")
        }
    }

    func stageStarted(_ stage: Stage, calls: Int) {
        lock.withLock {
            clearBar()
            self.stage = stage.rawValue
            total = calls
            done = 0
            lastPlainTenth = -1
            stageStart = Date()
            printError("stage \(stage): \(calls) calls")
        }
    }

    func loading(model: String) {
        lock.withLock {
            guard !interactive else { return draw(note: "loading \(shortName(model))") }
            printError("  model \(shortName(model))")
        }
    }

    func callFinished(_ call: CallRecord) {
        lock.withLock {
            done += 1
            if let error = call.error {
                clearBar()
                printError("  call to \(call.expert) failed: \(error.prefix(300))")
            }
            if interactive { return draw(note: nil) }
            let tenth = total == 0 ? 10 : done * 10 / total
            if tenth != lastPlainTenth {
                lastPlainTenth = tenth
                printError("  \(stage): \(done)/\(total) calls \(rateAndETA())")
            }
        }
    }

    func instanceFinished(_ result: InstanceResult) {
        lock.withLock {
            instancesDone += 1
            guard instancesTotal <= instanceLinesUpTo else { return }
            clearBar()
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

    /// Calls per second in this stage, and instances done of the run's total with an ETA over the run.
    private func rateAndETA() -> String {
        let elapsed = Date().timeIntervalSince(stageStart)
        guard done > 0, elapsed > 0 else { return "instances \(instancesDone)/\(instancesTotal)" }
        var text = String(format: "%.1f calls/s · instances %d/%d", Double(done) / elapsed, instancesDone, instancesTotal)
        let runElapsed = Date().timeIntervalSince(runStart)
        if instancesDone > 0, instancesTotal > instancesDone {
            text += String(format: " · ETA %.0f s", Double(instancesTotal - instancesDone) * runElapsed / Double(instancesDone))
        }
        return text
    }

    private func draw(note: String?) {
        let width = 24
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(stage) \(bar) \(done)/\(total) \(note ?? rateAndETA())".utf8))
        barVisible = true
    }

    private func clearBar() {
        guard barVisible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        barVisible = false
    }

    private func shortName(_ modelKey: String) -> String {
        URL(fileURLWithPath: String(modelKey.split(separator: ":", maxSplits: 1).last ?? "")).deletingPathExtension().lastPathComponent
    }
}
