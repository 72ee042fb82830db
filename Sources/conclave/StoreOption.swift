import ArgumentParser
import ConclaveCore
import ConclaveStore
import Foundation

extension Durability: ExpressibleByArgument {}

/// `--store PATH`: the SQLite file holding runs; `$CONCLAVE_STORE`, else `runs/conclave.sqlite`; and
/// `--durability full|normal`, what a saved call survives.
struct StoreOption: ParsableArguments {
    @Option(name: .customLong("store"), help: "The SQLite file that holds runs (default: $CONCLAVE_STORE or runs/conclave.sqlite).")
    var path: String?

    @Option(
        help:
            "What a saved call survives: full (a power cut: every commit is synced to disk) or normal (a killed process; the last commits before a power cut may be lost)."
    )
    var durability: Durability = .full

    var resolvedPath: String {
        path ?? ProcessInfo.processInfo.environment["CONCLAVE_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "runs/conclave.sqlite"
    }

    func open() throws -> SQLiteRunStore { try SQLiteRunStore(path: resolvedPath, durability: durability) }
}
