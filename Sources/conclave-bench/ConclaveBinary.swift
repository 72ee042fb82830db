import Foundation

/// The `conclave` executable built beside this benchmark (`swift build -c release --product conclave`),
/// started as its own process, as a user would run it.
enum ConclaveBinary {
    static var url: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("conclave")
    }

    /// Starts `conclave ARGUMENTS…` with its output discarded, or written to `log`.
    static func start(_ arguments: [String], log: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let log {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }
}
