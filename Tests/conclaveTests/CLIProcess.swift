import Foundation

/// Runs the built `conclave` binary as a child process, as a user would, and watches the llama-server
/// processes it starts.
final class CLIProcess {
    let process = Process()
    let stdout: URL
    let stderr: URL

    /// The repository root (for the shipped pipelines) and the binary built next to the test bundle.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("conclave")

    init(_ arguments: [String], directory: URL = repository, environment: [String: String] = [:]) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stdout = scratch.appendingPathComponent("stdout")
        stderr = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit; returns its status, or nil after `seconds`.
    func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 50_000_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The llama-server processes of this child as soon as there are any (empty when none started within
    /// `seconds` or the child ended first).
    func firstServers(within seconds: Double) async throws -> [Int32] {
        let deadline = Date().addingTimeInterval(seconds)
        var servers: [Int32] = []
        while servers.isEmpty, process.isRunning, Date() < deadline {
            servers = serverChildren()
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return servers
    }

    /// llama-server processes whose parent is this child, now.
    func serverChildren() -> [Int32] {
        Self.processes().filter { $0.parent == process.processIdentifier && $0.name == "llama-server" }.map(\.pid)
    }

    static func isAlive(_ pid: Int32) -> Bool {
        processes().contains { $0.pid == pid && $0.state != "Z" }
    }

    /// Every process: pid, command name, state and parent pid, from /proc.
    static func processes() -> [(pid: Int32, name: String, state: String, parent: Int32)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { return nil }
            return (pid, String(stat[stat.index(after: open)..<close]), String(fields[0]), parent)
        }
    }
}
