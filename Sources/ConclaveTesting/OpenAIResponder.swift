import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A local OpenAI-style `/v1/chat/completions` server for benchmarks and integration tests: it answers
/// every request with a fixed text after a fixed delay (a JSON completion, or a stream of chunk events when
/// the request asks for one), fails with 503 for the models it is told to, and counts what it saw:
/// requests, identical bodies seen again, and streams the client abandoned before their end.
///
/// ```swift
/// let responder = OpenAIResponder(answer: "The answer is (A).", delay: .milliseconds(20))
/// let port = try await responder.start()          // runs until `stop()`
/// // point an expert at http://127.0.0.1:\(port)/v1
/// ```
public final class OpenAIResponder: Sendable {
    public let answer: String
    public let delay: Duration
    /// Models answered with 503 (an upstream that is down).
    public let failing: Set<String>
    /// The pause between two events of a stream.
    public let chunkDelay: Duration
    /// Whether to count repeated bodies (costs a canonical re-encoding of each request).
    public let countsBodies: Bool

    private struct Counts {
        var requests = 0
        var bodies: [String: Int] = [:]
        var abandoned = 0
        var byModel: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())
    private let task = Mutex<Task<Void, Error>?>(nil)

    public init(
        answer: String = "The answer is (A).",
        delay: Duration = .zero,
        failing: Set<String> = [],
        chunkDelay: Duration = .zero,
        countsBodies: Bool = false
    ) {
        self.answer = answer
        self.delay = delay
        self.failing = failing
        self.chunkDelay = chunkDelay
        self.countsBodies = countsBodies
    }

    public var requests: Int { counts.withLock { $0.requests } }
    /// Requests whose body had been seen before (with `countsBodies`).
    public var repeated: Int { counts.withLock { $0.bodies.values.reduce(0) { $0 + $1 - 1 } } }
    /// Streams whose client went away before the last event.
    public var abandonedStreams: Int { counts.withLock { $0.abandoned } }
    /// Requests per model name.
    public func requests(model: String) -> Int { counts.withLock { $0.byModel[model] ?? 0 } }

    /// Starts serving on a free loopback port and returns it.
    public func start() async throws -> Int {
        let port = Mutex<Int?>(nil)
        let app = application { bound in port.withLock { $0 = bound } }
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(5)) }
        return port.withLock { $0 } ?? 0
    }

    public func stop() { task.withLock { $0?.cancel() } }

    private func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/chat/completions") { [self] request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            let model = object["model"] as? String ?? ""
            let canonical =
                countsBodies ? String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) : nil
            counts.withLock { counts in
                counts.requests += 1
                counts.byModel[model, default: 0] += 1
                if let canonical { counts.bodies[canonical, default: 0] += 1 }
            }
            if delay > .zero { try await Task.sleep(for: delay) }
            if failing.contains(model) {
                return Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error": {"message": "down"}}"#)))
            }
            if object["stream"] as? Bool == true {
                let usage = ((object["stream_options"] as? [String: Any])?["include_usage"] as? Bool) ?? false
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: stream(model: model, usage: usage))
            }
            let reply =
                #"{"id": "up-1", "object": "chat.completion", "created": 0, "model": "\#(model)", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(answer)"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 20, "completion_tokens": 6, "total_tokens": 26}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: reply)))
        }
        var logger = Logger(label: "openai-responder")
        logger.logLevel = .critical
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await onRunning($0.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// The answer one word per event, then the finish, the usage when asked for, and `[DONE]`.
    private func stream(model: String, usage: Bool) -> ResponseBody {
        let words = answer.split(separator: " ", omittingEmptySubsequences: false).enumerated().map {
            $0.offset == 0 ? String($0.element) : " " + $0.element
        }
        return ResponseBody { [self] writer in
            func event(_ json: String) -> ByteBuffer { ByteBuffer(string: "data: \(json)\n\n") }
            let head = #""id": "up-1", "object": "chat.completion.chunk", "created": 0, "model": "\#(model)""#
            var events = [event(#"{\#(head), "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}"#)]
            for word in words {
                let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                events.append(event(#"{\#(head), "choices": [{"index": 0, "delta": {"content": "\#(escaped)"}}]}"#))
            }
            events.append(event(#"{\#(head), "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}"#))
            if usage {
                events.append(
                    event(
                        #"{\#(head), "choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": \#(words.count), "total_tokens": \#(20 + words.count)}}"#
                    )
                )
            }
            events.append(ByteBuffer(string: "data: [DONE]\n\n"))
            do {
                for event in events {
                    try await writer.write(event)
                    if chunkDelay > .zero { try await Task.sleep(for: chunkDelay) }
                }
                try await writer.finish(nil)
            } catch {
                counts.withLock { $0.abandoned += 1 }
                throw error
            }
        }
    }
}
