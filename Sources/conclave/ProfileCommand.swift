import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation

/// `conclave profile`: measure every expert's profile on a labelled validation set (the default
/// subcommand), or show a stored profile.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure the experts' skill profiles on a labelled validation set, or show a stored one.",
        subcommands: [MeasureProfilesCommand.self, ShowProfileCommand.self],
        defaultSubcommand: MeasureProfilesCommand.self
    )
}

/// `conclave profile PIPELINE --dataset VAL.jsonl`: every expert answers every question through the batch
/// scheduler; the graded answers become a new profile version per expert in the store and YAML files that
/// the pipeline reads through `registry.profiles`.
struct MeasureProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Run every expert over a validation set, grade each answer, save and export the profiles.",
        discussion: "The run is durable like `conclave run`: Ctrl-C saves what is done and --run-id resumes it."
    )

    @Argument(help: "The pipeline YAML file (its registry, grader and runtime settings are used).")
    var pipeline: String

    @Option(help: "The labelled validation set (JSON lines with gold answers); keep it apart from the datasets the pipeline is judged on.")
    var dataset: String

    @Option(name: .customLong("aggregator-cases"), help: "Cases of the aggregator benchmark (0 keeps the aggregator scores the experts have).")
    var aggregatorCases = 20

    @Option(name: .customLong("aggregator-size"), help: "Expert answers per aggregator case (default: the pipeline's k).")
    var aggregatorSize: Int?

    @Option(help: "Where the profile YAML files go (default: the pipeline's registry.profiles, else profiles/ next to it).")
    var export: String?

    @OptionGroup var controls: RunControls

    func run() async throws {
        var loaded = try loadPipelineOrExit(pipeline)
        guard FileManager.default.isReadableFile(atPath: dataset) else {
            printError("error: dataset '\(dataset)' is not readable")
            throw ExitStatus.badInput.code
        }
        loaded.spec.dataset = URL(fileURLWithPath: dataset)
        let store = controls.store
        let id = controls.runID ?? "profile-" + RunOptions.newRunID()
        let output = controls.output(for: id, pipelineDefault: nil)
        let logs = output.appendingPathComponent("logs")
        let live = try await LiveRun.open(loaded, store: store, logs: logs, verbose: controls.verbose)
        printError("profiling run \(id): \(loaded.registry.experts.count) experts over \(loaded.spec.dataset.path); store \(store.resolvedPath)")
        let profiler = Profiler(
            pipeline: loaded,
            dataset: loaded.datasetReader,
            connector: live.connector,
            store: live.store,
            observer: ConsoleObserver(instanceLinesUpTo: 0)
        )
        let limit = controls.limit
        let cases = aggregatorCases
        let size = aggregatorSize ?? loaded.spec.k
        let started = Date()
        let outcome = await live.execute(grace: controls.grace) { stop in
            try await profiler.profile(
                RunOptions(runID: id, limit: limit, outputDirectory: output, stop: stop),
                aggregatorCases: cases,
                aggregatorCaseSize: size
            )
        }
        let resume = "conclave profile \(pipeline) --dataset \(loaded.spec.dataset.path) --run-id \(id)" + (store.path.map { " --store \($0)" } ?? "")
        switch outcome {
        case .success(let report):
            let folder =
                export.map { URL(fileURLWithPath: $0) } ?? loaded.spec.profilesDirectory
                ?? loaded.spec.file.deletingLastPathComponent().appendingPathComponent("profiles")
            try ProfileExport.write(report.records, to: folder)
            print(ProfileTable.render(report.records, temperature: loaded.spec.temperature))
            let check = report.recount()
            print(
                check.mismatches.isEmpty
                    ? "check: every per-skill score equals correct − wrong recounted from the graded answers (\(check.pairs) expert × skill pairs)"
                    : "check FAILED: \(check.mismatches.joined(separator: "; "))"
            )
            if !report.aggregators.isEmpty {
                let mixed = report.aggregatorCases.filter { $0.rightCount > 0 && $0.rightCount < $0.responses.count }.count
                let hopeless = report.aggregatorCases.filter { $0.rightCount == 0 }.count
                print(
                    "\naggregator benchmark: \(report.aggregatorCases.count) cases of \(size) answers (\(mixed) mix right and wrong answers, \(hopeless) hold no right one)"
                )
                print(
                    Table.render(
                        [["candidate", "correct", "cases", "failed", "aggregator score"]]
                            + report.aggregators.map {
                                [$0.expert, "\($0.correct)", "\($0.cases)", "\($0.failed)", String(format: "%.3f", $0.score)]
                            }
                    )
                )
                if let best = report.aggregators.max(by: { ($0.score, $1.expert) < ($1.score, $0.expert) }) {
                    print(
                        loaded.spec.aggregatorPinned
                            ? "the pipeline pins its aggregator (\(loaded.spec.aggregatorExpert)); the best here is \(best.expert)"
                            : "once the pipeline uses these profiles, its aggregator is \(best.expert) (the best aggregator score)"
                    )
                }
            }
            print(
                "\nprofiling run \(id): \(report.summary.calls) expert calls (\(report.summary.failedCalls) failed) and \(report.aggregatorCases.count * report.aggregators.count) aggregator calls; this session took \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            )
            print("profiles saved in \(store.resolvedPath) and written to \(folder.path)/")
            if loaded.spec.profilesDirectory?.standardizedFileURL != folder.standardizedFileURL {
                print("to use them, add `profiles: \(folder.path)` under `registry:` in \(pipeline)")
            }
        case .failure(let error) where isStop(error):
            printError("profiling run \(id) stopped; every finished call is saved.\nresume with: \(resume)")
            throw ExitStatus.stopped.code
        case .failure(let error as RunMismatch):
            printError("error: \(error)")
            throw ExitStatus.badInput.code
        case .failure(let error):
            printError("error: \(error)\nresume with: \(resume)")
            throw ExitStatus.failure.code
        }
    }
}

/// `conclave profile show EXPERT`: one stored profile, skill by skill, with the tallies behind each score.
struct ShowProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an expert's measured profile from the store.")

    @Argument(help: "The expert id.")
    var expert: String

    @Option(help: "Which version (default: the latest).")
    var version: Int?

    @OptionGroup var store: StoreOption

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let versions = try store.open().profiles(expert: expert)
        guard let record = version.map({ wanted in versions.first { $0.version == wanted } }) ?? versions.first else {
            let known = versions.map { String($0.version) }.joined(separator: ", ")
            throw ExitStatus.notFound(
                versions.isEmpty || version == nil
                    ? "no measured profile of expert '\(expert)' in \(store.resolvedPath) (run conclave profile PIPELINE --dataset VAL.jsonl)"
                    : "expert '\(expert)' has no profile version \(version ?? 0) (versions: \(known))"
            )
        }
        if json { return try printJSON(record) }
        print("expert      \(record.expert), version \(record.version) of \(versions.count)")
        print("measured    \(ISO8601DateFormatter().string(from: record.measuredAt)) by run \(record.runID) on \(record.dataset)")
        print(
            "accuracy    "
                + (record.accuracy.map {
                    String(format: "%.1f%% (%d of %d questions; %d calls failed)", $0 * 100, record.correct, record.questions, record.failedCalls)
                } ?? "n/a")
        )
        print(
            "strength    \(ProfileTable.number(record.profile.strength))"
                + (record.profile.globalRate.map { String(format: ", global rate %.3f", $0) } ?? "")
        )
        print("aggregator  score \(ProfileTable.number(record.profile.aggregatorScore))\n")
        var rows = [["skill", "score", "answered", "correct", "wrong"]]
        for skill in record.profile.skills.keys.sorted(by: { (record.profile.skills[$0]!, $1) > (record.profile.skills[$1]!, $0) }) {
            let score = record.profile.skills[skill]!
            let answered = record.profile.answered[skill] ?? 0
            // score = correct − wrong and answered = correct + wrong.
            let correct = (Double(answered) + score) / 2
            rows.append([
                skill, ProfileTable.number(score), "\(answered)", ProfileTable.number(correct), ProfileTable.number(Double(answered) - correct),
            ])
        }
        print(rows.count == 1 ? "no skill of the vocabulary was found in the validation questions" : Table.render(rows))
    }
}

/// The summary table printed after profiling: one row per expert.
enum ProfileTable {
    static func render(_ records: [ProfileRecord], temperature: Double) -> String {
        let normalized = StrengthNormalizer(temperature: temperature).normalize(records.map(\.profile.strength))
        var rows = [["expert", "version", "questions", "correct", "wrong", "failed", "accuracy", "strength", "normalised", "best skills"]]
        for (record, share) in zip(records, normalized) {
            let best = record.profile.skills.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
                .map { "\($0.key) \(number($0.value))" }.joined(separator: ", ")
            rows.append([
                record.expert, "\(record.version)", "\(record.questions)", "\(record.correct)", "\(record.questions - record.correct)",
                "\(record.failedCalls)", record.accuracy.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a",
                number(record.profile.strength), String(format: "%.3f", share), best.isEmpty ? "-" : best,
            ])
        }
        return Table.render(rows)
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.3f", value)
    }
}

/// Writes measured profiles as `<expert>.yaml` files.
enum ProfileExport {
    static func write(_ records: [ProfileRecord], to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for record in records {
            try record.yaml.write(to: folder.appendingPathComponent("\(record.expert).yaml"), atomically: true, encoding: .utf8)
        }
    }
}
