import ConclaveCore
import ConclaveStore
import Testing

@testable import ConclaveServer

/// Each recording lands on the sample its dimensions name, however often it is recorded and whichever
/// handle was made first.
@Suite struct ServiceMetricsTests {
    static func call(_ expert: String, failed: Bool = false, input: Int = 20, output: Int = 6) -> CallRecord {
        CallRecord(
            stage: .expert,
            expert: expert,
            seat: 0,
            text: failed ? nil : "A",
            inputTokens: input,
            outputTokens: output,
            latencyMs: 3,
            cost: 0.5,
            attempts: 1,
            error: failed ? "HTTP 502" : nil,
            mode: .single
        )
    }

    @Test func recordingsLandOnTheirSamples() {
        let metrics = ServiceMetrics()
        for _ in 0..<3 { metrics.chatCompletion(pipeline: "a", path: "forwarded", status: 200, seconds: 0.001) }
        metrics.chatCompletion(pipeline: "a", path: "forwarded", status: 502, seconds: 0.002)
        metrics.chatCompletion(pipeline: "b", path: "recruited", status: 200, seconds: 0.2)
        metrics.callFinished(Self.call("up"))
        metrics.callFinished(Self.call("up"))
        metrics.callFinished(Self.call("up", failed: true, input: 5, output: 0))
        metrics.callFinished(Self.call("down", failed: true, input: 5, output: 0))
        metrics.modelLoaded("m")
        metrics.modelLoaded("m")
        metrics.jobSubmitted(pipeline: "geo")
        var samples: [String: Double] = [:]
        for line in metrics.samples().split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            samples[String(parts[0])] = parts.count == 2 ? Double(parts[1]) : nil
        }
        #expect(samples[#"conclave_chat_completions_total{pipeline="a",path="forwarded",status="200"}"#] == 3)
        #expect(samples[#"conclave_chat_completions_total{pipeline="a",path="forwarded",status="502"}"#] == 1)
        #expect(samples[#"conclave_chat_completions_total{pipeline="b",path="recruited",status="200"}"#] == 1)
        #expect(samples[#"conclave_chat_completion_seconds_count{path="forwarded"}"#] == 4)
        #expect(samples[#"conclave_calls_total{expert="up",outcome="ok"}"#] == 2)
        #expect(samples[#"conclave_calls_total{expert="up",outcome="failed"}"#] == 1)
        #expect(samples[#"conclave_calls_total{expert="down",outcome="failed"}"#] == 1)
        #expect(samples[#"conclave_call_latency_seconds_count{expert="up"}"#] == 3)
        #expect(samples[#"conclave_tokens_total{direction="input"}"#] == 50)
        #expect(samples[#"conclave_tokens_total{direction="output"}"#] == 12)
        #expect(samples["conclave_cost_total"] == 2)
        #expect(samples[#"conclave_model_loads_total{model="m"}"#] == 2)
        #expect(samples[#"conclave_jobs_submitted_total{pipeline="geo"}"#] == 1)
    }
}
