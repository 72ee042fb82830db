import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether standard error is a terminal (progress bars) or a file or pipe (plain lines).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
