import ArgumentParser
import ConclaveStore
import Foundation

/// `--store PATH`: the SQLite file holding runs; `$CONCLAVE_STORE`, else `runs/conclave.sqlite`.
struct StoreOption: ParsableArguments {
    @Option(name: .customLong("store"), help: "The SQLite file that holds runs (default: $CONCLAVE_STORE or runs/conclave.sqlite).")
    var path: String?

    var resolvedPath: String {
        path ?? ProcessInfo.processInfo.environment["CONCLAVE_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "runs/conclave.sqlite"
    }

    func open() throws -> SQLiteRunStore { try SQLiteRunStore(path: resolvedPath) }
}

/// Prints a value as pretty JSON with snake_case keys.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
