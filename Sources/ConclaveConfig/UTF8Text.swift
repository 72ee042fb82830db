import Foundation

/// Strict UTF-8 decoding of a whole file that says on which line the first invalid byte is, so a file
/// that is not text is reported there rather than as unreadable.
enum UTF8Text {
    /// The text, or the 1-based line of the first byte that is not valid UTF-8.
    static func decode(_ data: Data) -> Result<String, InvalidLine> {
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var line = 1
        while case .valid(let scalar) = parser.parseScalar(from: &bytes) {
            if scalar.elementsEqual([0x0A]) { line += 1 }
        }
        return .failure(InvalidLine(line: line))
    }

    /// Where decoding stopped.
    struct InvalidLine: Error {
        var line: Int
    }
}
