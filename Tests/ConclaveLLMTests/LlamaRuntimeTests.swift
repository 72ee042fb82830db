import AsyncHTTPClient
import ConclaveConfig
import ConclaveCore
import ConclaveLLM
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Integration tests against a real llama-server and the real SmolLM2 and Gemma models that
/// scripts/setup.sh installs.
@Suite(.serialized) struct LlamaRuntimeTests {
    static let client = HTTPClient.conclave(connectTimeout: .seconds(2))
    let environment = ConfigEnvironment.current()

    func runtime() throws -> LlamaRuntime {
        let binary = try #require(environment.variables["CONCLAVE_LLAMA_SERVER"], "run scripts/setup.sh first")
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("conclave-logs-\(UUID().uuidString)")
        return LlamaRuntime(
            serverBinary: URL(fileURLWithPath: binary),
            logDirectory: logs,
            startupTimeout: .seconds(60),
            httpClient: Self.client
        )
    }

    func model(_ file: String, slots: Int = 2) throws -> LlamaModel {
        let models = try #require(environment.variables["CONCLAVE_MODELS"], "run scripts/setup.sh first")
        return LlamaModel(path: "\(models)/\(file)", parallelSlots: slots, contextPerSlot: 1024)
    }

    static func isAlive(_ pid: Int32) -> Bool {
        FileManager.default.fileExists(atPath: "/proc/\(pid)")
            && !((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") ?? true)
    }

    @Test func smolLM2AnswersThroughTheClientAndStopsCleanly() async throws {
        let runtime = try runtime()
        let smol = try model("smollm2-135m-instruct-q4_1.gguf")
        let baseURL = try await runtime.load(smol)
        let client = OpenAIChatClient(baseURL: baseURL, httpClient: Self.client, requestTimeout: .seconds(60))
        let completion = try await client.complete(
            ChatRequest(
                model: "smollm2",
                messages: [.user("What is the capital of France? Answer in one word.")],
                temperature: 0,
                maxTokens: 16,
                seed: 1
            )
        )
        #expect(!completion.text.isEmpty)
        #expect(completion.inputTokens > 5)
        #expect(completion.outputTokens > 0 && completion.outputTokens <= 16)
        let log = try #require(await runtime.logFile(for: smol))
        #expect(FileManager.default.fileExists(atPath: log.path))

        let again = try await runtime.load(smol)
        #expect(again == baseURL)
        #expect(await runtime.counters.loads == 1)
        await runtime.shutdown()
        #expect(await runtime.residentModels.isEmpty)
        await #expect(throws: (any Error).self) {
            try await client.complete(ChatRequest(model: "x", messages: [.user("hi")], temperature: 0, maxTokens: 1))
        }
    }

    @Test func theRuntimeKeepsWhatItIsToldToLoadUntilItIsUnloaded() async throws {
        let runtime = try runtime()
        let smol = try model("smollm2-135m-instruct-q4_1.gguf")
        _ = try await runtime.load(smol)
        _ = try await runtime.load(try model("gemma3-270m-q4_k_m.gguf"))
        #expect(await Set(runtime.residentModels.map(\.name)) == ["smollm2-135m-instruct-q4_1", "gemma3-270m-q4_k_m"])
        await runtime.unload(smol)
        #expect(await runtime.residentModels.map(\.name) == ["gemma3-270m-q4_k_m"])
        #expect(await runtime.counters.loads == 2)
        #expect(await runtime.counters.unloads == 1)
        await runtime.shutdown()
        #expect(await runtime.counters.unloads == 2)
    }

    @Test func asAServiceTheRuntimeStopsEveryServerWhenItsGroupEnds() async throws {
        let runtime = try runtime()
        let smol = try model("smollm2-135m-instruct-q4_1.gguf")
        let work = ClosureService { _ = try await runtime.load(smol) }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: runtime), .init(service: work, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Logger(label: "test")
            )
        )
        try await group.run()
        #expect(await runtime.residentModels.isEmpty)
        let counters = await runtime.counters
        #expect(counters.loads == 1 && counters.unloads == 1)
    }

    @Test func aServerThatDiesReportsItsLogTail() async throws {
        let runtime = try runtime()
        let bogus = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-model-\(UUID().uuidString).gguf")
        try Data("this is not a GGUF file".utf8).write(to: bogus)
        await #expect {
            _ = try await runtime.load(LlamaModel(path: bogus.path, parallelSlots: 1, contextPerSlot: 256))
        } throws: { error in
            let text = "\(error)"
            return text.contains("exited with status") && text.contains("log:") && text.contains(bogus.lastPathComponent)
        }
        #expect(await runtime.residentModels.isEmpty)
    }

    @Test func anEmbeddingsServerGivesOneVectorPerTextInOrder() async throws {
        let runtime = try runtime()
        var smol = try model("smollm2-135m-instruct-q4_1.gguf", slots: 1)
        smol.embeddings = true
        let client = OpenAIChatClient(baseURL: try await runtime.load(smol), httpClient: Self.client, requestTimeout: .seconds(60))
        let vectors = try await client.embed(["algebra", "cell biology", "algebra"], model: "smollm2")
        await runtime.shutdown()
        #expect(vectors.count == 3)
        #expect(vectors[0].count > 100 && vectors.allSatisfy { $0.count == vectors[0].count })
        #expect(vectors[0] == vectors[2], "the same text embeds the same")
        #expect(vectors[0] != vectors[1])
    }

    @Test func aServerKilledMidRunIsStartedAgainOnceThenReported() async throws {
        let runtime = try runtime()
        let smol = try model("smollm2-135m-instruct-q4_1.gguf")
        let first = try await runtime.load(smol)
        let pid = try #require(await runtime.processID(of: smol))
        kill(pid, SIGKILL)
        for _ in 0..<50 where await runtime.isRunning(smol) { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(await !runtime.isRunning(smol))

        let second = try await runtime.load(smol)
        #expect(second != first)
        #expect(await runtime.counters.restarts == 1)
        let client = OpenAIChatClient(baseURL: second, httpClient: Self.client, requestTimeout: .seconds(60))
        let completion = try await client.complete(
            ChatRequest(model: "smollm2", messages: [.user("Say yes.")], temperature: 0, maxTokens: 4, seed: 1)
        )
        #expect(completion.outputTokens > 0)

        let again = try #require(await runtime.processID(of: smol))
        kill(again, SIGKILL)
        for _ in 0..<50 where await runtime.isRunning(smol) { try await Task.sleep(nanoseconds: 100_000_000) }
        await #expect {
            _ = try await runtime.load(smol)
        } throws: { error in
            "\(error)".contains("died") && "\(error)".contains("after 1 restart")
        }
        await runtime.shutdown()
    }
}
