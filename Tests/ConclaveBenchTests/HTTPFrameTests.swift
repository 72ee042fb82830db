import NIOCore
import Testing

@testable import conclave_bench

/// The framing the benchmark's client and upstream read messages with: every prefix of a message is
/// incomplete, the whole is found with its length, status and close, and what is not HTTP is refused.
@Suite struct HTTPFrameTests {
    private func frame(_ text: String, answer: Bool) throws -> HTTPFrame? {
        try HTTPFrame.find(in: ByteBuffer(string: text), answer: answer)
    }

    /// Checks that each proper prefix of `text` is incomplete and that `text` followed by more bytes
    /// frames to exactly `text`.
    private func expectFramed(_ text: String, answer: Bool, status: Int = 0, closes: Bool = false) throws {
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count {
            let prefix = ByteBuffer(bytes: bytes[..<cut])
            #expect(try HTTPFrame.find(in: prefix, answer: answer) == nil, "prefix of \(cut) bytes")
        }
        let found = try HTTPFrame.find(in: ByteBuffer(string: text + "GET / HTTP/1.1\r\n"), answer: answer)
        #expect(found == HTTPFrame(length: bytes.count, status: status, closes: closes))
    }

    /// A message that came in two reads is found once they are joined; the bytes held are taken.
    @Test func bytesHeldFromAnEarlierReadComeFirst() throws {
        var held: ByteBuffer? = nil
        #expect(HTTPFrame.joining(&held, ByteBuffer(string: "HTTP/1.1 200 OK\r\n")) == ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        held = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-")
        let joined = HTTPFrame.joining(&held, ByteBuffer(string: "Length: 2\r\n\r\n{}"))
        #expect(held == nil)
        #expect(try HTTPFrame.find(in: joined, answer: true) == HTTPFrame(length: 40, status: 200, closes: false))
    }

    @Test func anAnswerWithAContentLengthEndsAfterItsBody() throws {
        try expectFramed("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 12\r\n\r\n{\"a\": \"b c\"}", answer: true, status: 200)
    }

    @Test func aChunkedAnswerEndsAfterItsLastChunk() throws {
        try expectFramed(
            "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\na;ext=1\r\n0123456789\r\n0\r\n\r\n",
            answer: true,
            status: 503
        )
    }

    @Test func aRequestWithABodyAndOneWithoutAreFramed() throws {
        try expectFramed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nCONTENT-LENGTH: 2\r\n\r\n{}", answer: false)
        try expectFramed("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n", answer: false)
        try expectFramed("POST / HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", answer: false)
    }

    @Test func connectionCloseIsSeenInAnyCase() throws {
        try expectFramed("POST / HTTP/1.1\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", answer: false, closes: true)
        try expectFramed("HTTP/1.1 200 OK\r\ncontent-length: 1\r\nconnection: keep-alive, close\r\n\r\nx", answer: true, status: 200, closes: true)
        try expectFramed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n", answer: true, status: 200)
    }

    @Test func anAnswerWithoutABodyByItsStatusNeedsNoLength() throws {
        try expectFramed("HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n", answer: true, status: 204)
    }

    @Test func bytesThatCannotBeFramedAreRefused() {
        #expect(throws: HTTPFrame.Malformed.self) { try frame("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody until close", answer: true) }
        #expect(throws: HTTPFrame.Malformed.self) { try frame("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", answer: true) }
        #expect(throws: HTTPFrame.Malformed.self) { try frame("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", answer: false) }
        #expect(throws: HTTPFrame.Malformed.self) { try frame("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", answer: false) }
        #expect(throws: HTTPFrame.Malformed.self) {
            try frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", answer: false)
        }
        #expect(throws: HTTPFrame.Malformed.self) {
            try frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n", answer: false)
        }
        #expect(throws: HTTPFrame.Malformed.self) {
            try HTTPFrame.find(in: ByteBuffer(repeating: UInt8(ascii: "a"), count: 70_000), answer: false)
        }
    }
}
