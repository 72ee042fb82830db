import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore

/// Answers every call at once with a fixed completion: a zero-latency backend, so a benchmark measures
/// the engine and the store, not a model.
struct InstantConnector: ExpertConnector {
    struct Instant: ChatBackend {
        func complete(_ request: ChatRequest) async throws -> ChatCompletion {
            ChatCompletion(text: "The answer is (A).", inputTokens: 20, outputTokens: 6)
        }
    }

    func backend(for expert: Expert) async throws -> any ChatBackend { Instant() }
    func unload(modelKey: String) async {}
    func shutdown() async {}
}

/// Swallows a run's events.
struct SilentObserver: RunObserver {
    func runStarted(id: String, instances: Int) {}
    func alreadyDone(_ count: Int) {}
    func skipped(_ problem: Diagnostic) {}
    func stageStarted(_ stage: String, calls: Int) {}
    func loading(model: String) {}
    func callFinished(_ call: CallRecord) {}
    func instanceFinished(_ result: InstanceResult) {}
}
