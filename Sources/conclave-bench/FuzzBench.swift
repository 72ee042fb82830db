import ArgumentParser
import ConclaveCore
import ConclaveFuzz
import Foundation

/// `conclave-bench fuzz`: seeded damage to every input file, read by the readers `validate`, `run` and
/// `eval-routing` use. Cases run in child processes of this binary, a chunk at a time, so a crash is counted
/// (with the case that caused it) instead of ending the run.
struct FuzzBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Damaged input files: no crash, and every rejection a diagnostic with a message and a position."
    )

    @Option(help: "Cases to run.") var cases = 1_000
    @Option(help: "The run's seed: the same seed damages the same files the same way.") var seed: UInt64 = 1
    @Option(help: "Cases per child process.") var chunkSize = 500
    @Option(help: "The repository whose shipped files are damaged.")
    var repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    @Option(help: .hidden) var chunk: String?
    @OptionGroup var output: BenchOutput

    func validate() throws {
        guard cases >= 0 else { throw ValidationError("--cases must be 0 or more") }
        guard chunkSize >= 1 else { throw ValidationError("--chunk-size must be at least 1") }
    }

    func run() throws {
        if let chunk { return try runChunk(chunk) }
        let started = Date()
        var tally = FuzzTally()
        var crashes: [String] = []
        var bad: [String] = []
        var next = 0
        while next < cases {
            let report = try child(start: next, count: min(chunkSize, cases - next))
            for line in report.finished {
                tally.add(line.kind, line.outcome)
                if case .badRejection(let why) = line.outcome { bad.append("case \(line.index), \(line.summary): \(why)") }
            }
            if let crash = report.crash {
                tally.addCrash(crash.kind)
                crashes.append(
                    "case \(crash.index), \(crash.summary): \(report.signalName); rerun: conclave-bench fuzz --seed \(seed) --chunk \(crash.index):1"
                )
                next = crash.index + 1
            } else if report.finished.isEmpty {
                throw ValidationError(
                    "the fuzz child for cases from \(next) finished none of them (\(report.signalled ? report.signalName : "status \(report.status)"))"
                )
            } else {
                next += report.finished.count
            }
        }
        let seconds = Date().timeIntervalSince(started)
        report(tally: tally, crashes: crashes, bad: bad, seconds: seconds)
        var kinds: [String: BenchValue] = [:]
        for (kind, counts) in tally.byKind { kinds[kind.rawValue] = .object(Self.figures(counts)) }
        var figures = Self.figures(tally.total)
        figures["seed"] = .int(Int(truncatingIfNeeded: seed))
        figures["seconds"] = .double(seconds)
        figures["cases_per_s"] = .double(Double(tally.total.cases) / seconds)
        figures["kinds"] = .object(kinds)
        figures["crash_cases"] = .list(crashes.map(BenchValue.string))
        figures["bad_rejection_examples"] = .list(bad.prefix(10).map(BenchValue.string))
        try output.figures(figures)
    }

    private func report(tally: FuzzTally, crashes: [String], bad: [String], seconds: Double) {
        output.say(
            String(
                format:
                    "fuzz: %d cases (seed %llu) in %.1f s, %.0f cases/s; %d crashes, %d accepted, %d rejected with diagnostics, %d bad rejections",
                tally.total.cases,
                seed,
                seconds,
                Double(tally.total.cases) / seconds,
                tally.total.crashes,
                tally.total.accepted,
                tally.total.rejected,
                tally.total.badRejections
            )
        )
        output.say("  kind        cases  accepted  rejected  bad  crashes")
        for kind in FileKind.allCases {
            let counts = tally.byKind[kind] ?? FuzzTally.Counts()
            output.say(
                String(
                    format: "  %@ %6d  %8d  %8d  %3d  %7d",
                    kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                    counts.cases,
                    counts.accepted,
                    counts.rejected,
                    counts.badRejections,
                    counts.crashes
                )
            )
        }
        for line in crashes { output.say("crash: \(line)") }
        for line in bad.prefix(10) { output.say("bad rejection: \(line)") }
    }

    private static func figures(_ counts: FuzzTally.Counts) -> [String: BenchValue] {
        [
            "cases": .int(counts.cases), "accepted": .int(counts.accepted), "rejected": .int(counts.rejected),
            "bad_rejections": .int(counts.badRejections), "crashes": .int(counts.crashes),
        ]
    }

    /// Runs `--chunk START:COUNT` in this process, writing a line before and after each case straight to
    /// standard output, so the parent knows which case was running if this process dies.
    private func runChunk(_ range: String) throws {
        let parts = range.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 0, parts[1] >= 0 else { throw ValidationError("--chunk takes START:COUNT") }
        let harness = try FuzzHarness(repository: URL(fileURLWithPath: repository))
        defer { harness.remove() }
        for index in parts[0]..<(parts[0] + parts[1]) {
            let fuzzCase = FuzzCase(index: index, runSeed: seed, seeds: harness.seeds)
            ChunkLine.started(index: index, kind: fuzzCase.seed.kind, summary: fuzzCase.summary).write()
            ChunkLine.finished(index: index, outcome: harness.run(fuzzCase)).write()
        }
    }

    /// Runs one chunk in a child process and reads back what it reported.
    private func child(start: Int, count: Int) throws -> ChunkReport {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["fuzz", "--seed", String(seed), "--repository", repository, "--chunk", "\(start):\(count)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let report = ChunkReport(
            lines: text.split(separator: "\n").compactMap(ChunkLine.init),
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal
        )
        if !report.signalled, process.terminationStatus != 0 {
            throw ValidationError("the fuzz child for cases \(start)..<\(start + count) exited with status \(process.terminationStatus)")
        }
        return report
    }
}
