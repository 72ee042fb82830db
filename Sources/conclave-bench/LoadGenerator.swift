import AsyncHTTPClient
import ConclaveCore
import Foundation
import NIOCore

/// Closed-loop HTTP load: `connections` clients each send a request, wait for the whole answer, and send
/// the next, for a fixed time; the figures are requests per second and the latency percentiles of the
/// successful ones. Every target of a comparison gets the same client, body and concurrency.
struct LoadGenerator {
    struct Figures {
        var requests: Int
        var failures: Int
        var seconds: Double
        /// Latencies in milliseconds, sorted.
        var latencies: [Double]

        var perSecond: Double { Double(requests) / max(seconds, 1e-9) }

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((p * Double(latencies.count - 1)).rounded()))]
        }
    }

    let client: HTTPClient
    let url: String
    let body: String
    var headers: [(String, String)] = []

    /// Runs the load for `duration`; a first failure's description is kept for the report.
    func run(connections: Int, duration: Duration) async throws -> (figures: Figures, firstFailure: String?) {
        let deadline = ContinuousClock.now + duration
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (latencies: [Double], failures: Int, first: String?).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    var first: String?
                    while ContinuousClock.now < deadline {
                        let sent = ContinuousClock.now
                        do {
                            let status = try await send()
                            if (200..<300).contains(status) {
                                latencies.append((ContinuousClock.now - sent).inSeconds * 1000)
                            } else {
                                failures += 1
                                first = first ?? "HTTP \(status)"
                            }
                        } catch {
                            failures += 1
                            first = first ?? "\(error)"
                        }
                    }
                    return (latencies, failures, first)
                }
            }
            var all: [(latencies: [Double], failures: Int, first: String?)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let latencies = results.flatMap(\.latencies).sorted()
        let figures = Figures(requests: latencies.count, failures: results.map(\.failures).reduce(0, +), seconds: seconds, latencies: latencies)
        return (figures, results.compactMap(\.first).first)
    }

    /// One request, its body read to the end; the status.
    private func send() async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 24)
        return Int(response.status.code)
    }
}
