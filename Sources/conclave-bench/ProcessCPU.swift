import Foundation

/// The CPU time a process has used so far (user and system, all its threads), from `/proc/PID/stat`:
/// the gateway benchmark divides what `conclave serve` used during a phase by the requests it answered,
/// a figure that moves less than requests/s when the machine's speed drifts. Nil where there is no
/// `/proc` (not Linux) or the process is gone.
///
/// ```swift
/// let before = ProcessCPU.seconds(of: serve.processIdentifier)
/// ```
enum ProcessCPU {
    static func seconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parse(stat, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// utime + stime (fields 14 and 15) of a `/proc/PID/stat` line, in seconds; the command name (field
    /// 2, in parentheses) may hold spaces and parentheses, so the fields are counted after its last `)`.
    static func parse(_ stat: String, ticksPerSecond: Double) -> Double? {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }
}
