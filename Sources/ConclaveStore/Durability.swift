/// What a committed call survives, set per store: SQLite's `synchronous` mode in WAL journaling.
///
/// - `full` (the default): every commit waits for the write-ahead log to reach the disk (`fsync`), so a
///   call reported saved survives a killed process, an operating-system crash and a power cut.
/// - `normal`: a commit is written to the log but synced only at checkpoints, so a saved call survives a
///   killed process (Ctrl-C, SIGKILL, a crash of Conclave) but the last commits before an operating-system
///   crash or power cut may be lost; the database itself stays consistent, and a resumed run makes
///   whatever was lost again.
///
/// ```swift
/// let store = try SQLiteRunStore(path: "runs/conclave.sqlite", durability: .normal)
/// ```
public enum Durability: String, Sendable, CaseIterable, Codable {
    case full
    case normal

    /// The `PRAGMA synchronous` value.
    var synchronous: String { rawValue.uppercased() }
}
