import Foundation
import Testing

/// The help text of every command, compared with the snapshot under `HelpSnapshots/`: a change to a flag,
/// an abstract or the exit statuses shows up here, in review. After an intended change, rewrite the
/// snapshots with `CONCLAVE_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests`.
@Suite struct HelpSnapshotTests {
    static let commands: [[String]] = [
        [], ["validate"], ["run"], ["runs"], ["runs", "list"], ["runs", "show"], ["decisions"], ["decisions", "show"],
        ["explain"], ["eval-routing"], ["profile"], ["profile", "measure"], ["profile", "show"], ["train-controller"], ["eval-controller"], ["serve"],
        ["worker"],
    ]

    static let folder = CLIProcess.repository.appendingPathComponent("Tests/conclaveTests/HelpSnapshots")

    @Test(arguments: commands)
    func helpMatchesItsSnapshot(command: [String]) async throws {
        let cli = try CLIProcess(["help"] + command, environment: ["COLUMNS": "100"])
        #expect(await cli.wait(seconds: 30) == 0, "\(cli.errors)")
        let snapshot = Self.folder.appendingPathComponent((["conclave"] + command).joined(separator: "-") + ".txt")
        if ProcessInfo.processInfo.environment["CONCLAVE_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try cli.output.write(to: snapshot, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(cli.output == expected, "`conclave help \(command.joined(separator: " "))` differs from \(snapshot.lastPathComponent)")
    }

    @Test func versionAndExitStatusesAreListed() async throws {
        let version = try CLIProcess(["--version"])
        #expect(await version.wait(seconds: 30) == 0)
        #expect(version.output.split(separator: ".").count == 3, "\(version.output)")
        let help = try CLIProcess(["--help"])
        #expect(await help.wait(seconds: 30) == 0)
        for status in ["0 ", "1 ", "2 ", "130"] { #expect(help.output.contains("  \(status)"), "exit status \(status) in --help") }
    }

    @Test func aBadFlagAndAnUnknownRunAreBadInputWithoutAStackTrace() async throws {
        let bogus = try CLIProcess(["run", "pipeline.yaml", "--no-such-flag"])
        #expect(await bogus.wait(seconds: 30) == 2)
        #expect(bogus.errors.contains("Unknown option '--no-such-flag'"), "\(bogus.errors)")
        let strategy = try CLIProcess(["eval-routing", "--outcomes", "o.jsonl", "--models", "m.json", "--strategies", "learned,bogus"])
        #expect(await strategy.wait(seconds: 30) == 2)
        #expect(strategy.errors.contains("unknown strategy 'bogus' in --strategies"), "\(strategy.errors)")
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-help-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: store) }
        let unknown = try CLIProcess(["runs", "show", "nope", "--store", store.path])
        #expect(await unknown.wait(seconds: 30) == 2)
        #expect(unknown.errors == "error: no run 'nope' in \(store.path)\n", "not found is not a usage error")
    }
}
