import ConclaveCore
import ConclaveFuzz
import Foundation

/// A line a fuzz child writes about one case: `start INDEX KIND SUMMARY` before running it, `done INDEX
/// OUTCOME DETAIL` after.
enum ChunkLine {
    case started(index: Int, kind: FileKind, summary: String)
    case finished(index: Int, outcome: FuzzOutcome)

    init?(_ line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3, let index = Int(fields[1]) else { return nil }
        let rest = fields.count > 3 ? fields[3].replacingOccurrences(of: "\\n", with: "\n") : ""
        switch fields[0] {
        case "start":
            guard let kind = FileKind(rawValue: fields[2]) else { return nil }
            self = .started(index: index, kind: kind, summary: rest)
        case "done":
            switch fields[2] {
            case "accepted": self = .finished(index: index, outcome: .accepted)
            case "rejected": self = .finished(index: index, outcome: .rejected)
            default: self = .finished(index: index, outcome: .badRejection(rest))
            }
        default: return nil
        }
    }

    /// Straight to the file descriptor, unbuffered: a line written before a crash is not lost.
    func write() {
        let text: String
        switch self {
        case .started(let index, let kind, let summary): text = "start \(index) \(kind.rawValue) \(summary)"
        case .finished(let index, let outcome):
            let detail = if case .badRejection(let why) = outcome { why } else { "" }
            text = "done \(index) \(outcome.name) \(detail)"
        }
        FileHandle.standardOutput.write(Data((text.replacingOccurrences(of: "\n", with: "\\n") + "\n").utf8))
    }
}

/// What one fuzz child reported: the cases it finished, and the case it was running when it died.
struct ChunkReport {
    struct Finished {
        var index: Int
        var kind: FileKind
        var summary: String
        var outcome: FuzzOutcome
    }

    var finished: [Finished] = []
    /// The case started but never finished, when the child died by a signal.
    var crash: (index: Int, kind: FileKind, summary: String)?
    var status: Int32
    var signalled: Bool

    init(lines: [ChunkLine], status: Int32, signalled: Bool) {
        self.status = status
        self.signalled = signalled
        var running: (index: Int, kind: FileKind, summary: String)?
        for line in lines {
            switch line {
            case .started(let index, let kind, let summary): running = (index, kind, summary)
            case .finished(let index, let outcome):
                guard let started = running, started.index == index else { continue }
                finished.append(Finished(index: index, kind: started.kind, summary: started.summary, outcome: outcome))
                running = nil
            }
        }
        if signalled { crash = running }
    }

    /// `signal 11 (Segmentation fault)`.
    var signalName: String { "signal \(status) (\(String(cString: strsignal(status))))" }
}
