import ArgumentParser
import ConclaveCore
import Foundation

/// The `--json` flag every benchmark takes, and where its lines go: with `--json`, the human lines go to
/// standard error and one JSON object with the figures goes to standard output, so a script can read it.
///
/// ```swift
/// struct MyBench: ParsableCommand {
///     @OptionGroup var output: BenchOutput
///     func run() throws {
///         output.say("ran 3 times")
///         try output.figures(["runs_per_s": 3.0])
///     }
/// }
/// ```
struct BenchOutput: ParsableArguments {
    @Flag(help: "Print the figures as one JSON object on standard output (the human lines go to standard error).")
    var json = false

    /// A line for the person at the terminal.
    func say(_ line: String) {
        if json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    /// The benchmark's figures as one JSON object (keys sorted), printed only with `--json`.
    func figures(_ values: [String: BenchValue]) throws {
        guard json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(values), as: UTF8.self))
    }
}

/// One figure in a benchmark's JSON object.
enum BenchValue: Encodable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([BenchValue])
    case object([String: BenchValue])

    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value.isFinite ? value : 0)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
