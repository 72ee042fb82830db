import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Pid files for the llama-servers Conclave starts, so that servers left behind by a Conclave that was
/// killed with SIGKILL (which no handler can catch) are stopped by the next Conclave that starts.
///
/// ```swift
/// let registry = ServerRegistry(directory: cache.appendingPathComponent("servers"))
/// registry.reapOrphans()   // kills llama-servers whose owning process is gone
/// ```
public struct ServerRegistry: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    func record(server pid: Int32) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? "\(pid) \(getpid())".write(to: file(for: pid), atomically: true, encoding: .utf8)
    }

    func forget(server pid: Int32) {
        try? FileManager.default.removeItem(at: file(for: pid))
    }

    /// Kills every recorded llama-server whose owner has exited, and forgets servers that are gone.
    /// Returns the pids it killed.
    @discardableResult
    public func reapOrphans() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var killed: [Int32] = []
        for name in names where name.hasSuffix(".pid") {
            let url = directory.appendingPathComponent(name)
            let fields = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int32($0) }
            guard fields.count == 2 else {
                try? FileManager.default.removeItem(at: url)
                continue
            }
            let (server, owner) = (fields[0], fields[1])
            if Self.isAlive(owner) { continue }
            if Self.isAlive(server), Self.command(of: server) == "llama-server" {
                kill(server, SIGKILL)
                killed.append(server)
            }
            try? FileManager.default.removeItem(at: url)
        }
        return killed
    }

    private func file(for pid: Int32) -> URL { directory.appendingPathComponent("\(pid).pid") }

    /// Whether the process exists and is not a zombie (a killed owner its parent has not reaped yet).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return !stat[close...].hasPrefix(") Z")
    }

    static func command(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
