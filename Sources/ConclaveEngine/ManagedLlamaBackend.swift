import AsyncHTTPClient
import ConclaveLLM
import Synchronization

/// A llama.cpp expert's backend: asks the runtime for the model's server on every call, and when a call
/// fails because the server died, lets the runtime start it again (once, as `LlamaRuntime.maxRestarts`
/// allows) and sends the call once more.
///
/// ```swift
/// let backend = ManagedLlamaBackend(runtime: runtime, model: model, httpClient: client, requestTimeout: 120)
/// let completion = try await backend.complete(request)
/// ```
struct ManagedLlamaBackend: ChatBackend {
    let runtime: LlamaRuntime
    let model: LlamaModel
    let httpClient: HTTPClient
    let requestTimeout: Duration

    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        do {
            return try await client(try await runtime.load(model)).complete(request)
        } catch {
            guard await !runtime.isRunning(model), !Task.isCancelled else { throw error }
            var completion = try await client(try await runtime.load(model)).complete(request)
            completion.attempts += 1
            return completion
        }
    }

    func stream(_ request: ChatRequest, onDelta: @escaping @Sendable (String) async -> Void) async throws -> ChatCompletion {
        let started = StreamStarted()
        let relay: @Sendable (String) async -> Void = { delta in
            started.mark()
            await onDelta(delta)
        }
        do {
            return try await client(try await runtime.load(model)).stream(request, onDelta: relay)
        } catch {
            guard !started.value, await !runtime.isRunning(model), !Task.isCancelled else { throw error }
            var completion = try await client(try await runtime.load(model)).stream(request, onDelta: relay)
            completion.attempts += 1
            return completion
        }
    }

    private func client(_ baseURL: String) -> OpenAIChatClient {
        OpenAIChatClient(baseURL: baseURL, httpClient: httpClient, requestTimeout: requestTimeout)
    }
}

/// Whether a stream has handed on any text (after which it cannot be sent again).
private final class StreamStarted: Sendable {
    private let started = Mutex(false)
    func mark() { started.withLock { $0 = true } }
    var value: Bool { started.withLock { $0 } }
}
