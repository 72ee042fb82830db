import NIOCore

/// Where one HTTP/1.1 message ends in the bytes read so far, for the gateway benchmark's own client and
/// upstream, which take each message as bytes instead of through NIO's HTTP codec (its parser, header
/// objects and handlers), so that the cores go to the proxy measured rather than to the load around it.
/// It reads only what framing needs: the status code of an answer, `Content-Length`,
/// `Transfer-Encoding: chunked` (no trailers) and `Connection: close`.
///
/// ```swift
/// let bytes = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
/// let frame = try HTTPFrame.find(in: bytes, answer: true)  // length 40, status 200, closes false
/// ```
struct HTTPFrame: Equatable {
    /// Bytes of the whole message, its head and its body.
    var length: Int
    /// The status code of an answer; 0 for a request.
    var status: Int
    /// Whether the message asks for the connection to be closed after it.
    var closes: Bool

    /// A message the benchmark's peers never send, or bytes that are not HTTP.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes a reader held back from earlier reads (`held`, emptied), followed by `piece`: what it
    /// looks for a whole message in.
    static func joining(_ held: inout ByteBuffer?, _ piece: ByteBuffer) -> ByteBuffer {
        guard var earlier = held.take() else { return piece }
        var piece = piece
        earlier.writeBuffer(&piece)
        return earlier
    }

    /// The first message of `buffer`'s readable bytes, or nil while it is incomplete. An answer is read
    /// with `answer` true (its first line holds the status code; one without a length and not chunked
    /// has no body only when its status says so).
    static func find(in buffer: ByteBuffer, answer: Bool) throws -> HTTPFrame? {
        try buffer.withUnsafeReadableBytes { bytes in try find(in: bytes, answer: answer) }
    }

    private static func find(in bytes: UnsafeRawBufferPointer, answer: Bool) throws -> HTTPFrame? {
        guard let headEnd = endOfHead(bytes) else {
            if bytes.count > 64 * 1024 { throw Malformed(description: "a head longer than 64 KiB") }
            return nil
        }
        var frame = HTTPFrame(length: headEnd, status: 0, closes: false)
        if answer {
            // "HTTP/1.1 200 …"
            guard headEnd >= 12, let status = Int(decimal: bytes[9..<12]) else { throw Malformed(description: "no status line") }
            frame.status = status
        }
        var bodyLength: Int?
        var chunked = false
        var line = index(of: 0x0A, in: bytes, from: 0, to: headEnd).map { $0 + 1 } ?? headEnd
        while line < headEnd - 2 {
            let end = index(of: 0x0A, in: bytes, from: line, to: headEnd) ?? headEnd
            let field = bytes[line..<end]
            if let value = value(of: "content-length:", in: field) {
                guard let length = Int(decimal: value) else { throw Malformed(description: "a Content-Length that is not a number") }
                bodyLength = length
            } else if let value = value(of: "transfer-encoding:", in: field) {
                chunked = contains("chunked", in: value)
            } else if let value = value(of: "connection:", in: field) {
                frame.closes = contains("close", in: value)
            }
            line = end + 1
        }
        if chunked {
            guard let end = try endOfChunks(bytes, from: headEnd) else { return nil }
            frame.length = end
        } else if let bodyLength {
            guard bytes.count >= headEnd + bodyLength else { return nil }
            frame.length = headEnd + bodyLength
        } else if answer && !(frame.status < 200 || frame.status == 204 || frame.status == 304) {
            throw Malformed(description: "an answer with neither Content-Length nor chunks")
        }
        return frame
    }

    /// The index one past the blank line that ends the head, or nil when it has not come yet.
    private static func endOfHead(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var at = 0
        while let newline = index(of: 0x0A, in: bytes, from: at, to: bytes.count) {
            if newline >= 3, bytes[newline - 1] == 0x0D, bytes[newline - 2] == 0x0A, bytes[newline - 3] == 0x0D { return newline + 1 }
            at = newline + 1
        }
        return nil
    }

    /// The index one past the last chunk (`0\r\n\r\n`) of a chunked body starting at `start`, or nil when
    /// it has not come yet.
    private static func endOfChunks(_ bytes: UnsafeRawBufferPointer, from start: Int) throws -> Int? {
        var at = start
        while true {
            guard let newline = index(of: 0x0A, in: bytes, from: at, to: bytes.count) else { return nil }
            var size = 0
            var digits = 0
            for byte in bytes[at..<newline] {
                guard let digit = hexValue(byte) else { break }
                size = size &* 16 &+ digit
                digits += 1
                if digits > 12 { throw Malformed(description: "a chunk size too large") }
            }
            guard digits > 0 else { throw Malformed(description: "a chunk without a size") }
            // The chunk's bytes and their CRLF; the last chunk has none and is followed by the final CRLF.
            let next = newline + 1 + size + 2
            guard bytes.count >= next else { return nil }
            if size == 0 { return next }
            at = next
        }
    }

    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var at = start
        while at < end {
            if bytes[at] == byte { return at }
            at += 1
        }
        return nil
    }

    /// The value of the header `line` when its name, lower-cased with its colon, is `name`.
    private static func value(of name: StaticString, in line: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer>? {
        let count = name.utf8CodeUnitCount
        guard line.count > count else { return nil }
        let lowered = UnsafeRawBufferPointer(start: name.utf8Start, count: count)
        var at = line.startIndex
        for expected in lowered {
            // ASCII letters lower-cased; ':' and '-' are unchanged by the OR.
            guard line[at] | 0x20 == expected | 0x20 else { return nil }
            at += 1
        }
        return line[at...]
    }

    /// Whether `word` (lower-case) is in `value`, ignoring case.
    private static func contains(_ word: StaticString, in value: Slice<UnsafeRawBufferPointer>) -> Bool {
        let target = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard value.count >= target.count else { return false }
        var start = value.startIndex
        while start + target.count <= value.endIndex {
            var offset = 0
            while offset < target.count, value[start + offset] | 0x20 == target[offset] { offset += 1 }
            if offset == target.count { return true }
            start += 1
        }
        return false
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}

extension Int {
    /// The decimal number in `bytes`, spaces and tabs around it ignored (CR too); nil when there is none
    /// or it has more than 15 digits.
    fileprivate init?(decimal bytes: Slice<UnsafeRawBufferPointer>) {
        var value = 0
        var digits = 0
        var ended = false
        for byte in bytes {
            switch byte {
            case 0x30...0x39 where !ended:
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                if digits > 15 { return nil }
            case 0x20, 0x09, 0x0D:
                ended = digits > 0
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        self = value
    }
}
