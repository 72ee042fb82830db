import AsyncHTTPClient
import ConclaveLLM

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

    private func client(_ baseURL: String) -> OpenAIChatClient {
        OpenAIChatClient(baseURL: baseURL, httpClient: httpClient, requestTimeout: requestTimeout)
    }
}
