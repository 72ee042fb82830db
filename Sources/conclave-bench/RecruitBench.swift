import ArgumentParser
import ConclaveCore
import Foundation

/// `conclave-bench recruit`: recruitment decisions per second over a synthetic registry.
struct RecruitBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recruit", abstract: "Recruitment decisions per second (target ≥ 1,000,000).")

    @Option(help: "Instances to recruit for.") var instances = 100_000
    @Option(help: "Skills per instance.") var skills = 5
    @Option(help: "Experts in the registry.") var experts = 16
    @Option(help: "Seats per team.") var k = 3
    @Option(help: "Runs; the median is the figure.") var repeats = 5

    func run() throws {
        let vocabulary = (0..<64).map { "skill-\($0)" }
        var rng = SeededGenerator(seed: 1)
        var registry: [Expert] = []
        for index in 0..<experts {
            var profile: [String: Double] = [:]
            for skill in vocabulary { profile[skill] = Double(Int.random(in: -20...40, using: &rng)) }
            let price = Double(index % 4 + 1)
            registry.append(Expert(id: "e\(index)", description: "synthetic",
                                   runtime: .openAI(baseURL: "http://127.0.0.1:9/v1", model: "m\(index)", apiKeyVariable: nil),
                                   price: Price(inputPerMillion: price, outputPerMillion: price), contextWindow: 4096,
                                   maxConcurrency: 1, timeoutSeconds: 10, profile: Profile(skills: profile)))
        }
        let asked = (0..<instances).map { index in (id: "q\(index)", skills: (0..<skills).map { _ in vocabulary.randomElement(using: &rng)! }) }
        for strategy in RecruitmentStrategy.allCases {
            let recruiter = Recruiter(experts: registry, k: k, strategy: strategy, lambda: 1)
            let costs = registry.map { $0.expectedCost(promptTokens: 200) }
            var rates: [Double] = []
            var seats = 0
            for _ in 0..<max(1, repeats) {
                let started = Date()
                // Each decision: the instance's skill columns, then its seeded team.
                let teams = asked.concurrentMap { instance -> [Int] in
                    var generator = SeededGenerator(seed: 42, instanceID: instance.id)
                    return recruiter.team(columns: recruiter.columns(for: instance.skills), costs: costs, using: &generator)
                }
                rates.append(Double(instances) / Date().timeIntervalSince(started))
                seats = teams.reduce(0) { $0 + $1.count }
            }
            let explainedStart = Date()
            let explained = Array(asked.prefix(10_000)).concurrentMap { instance -> Int in
                var generator = SeededGenerator(seed: 42, instanceID: instance.id)
                return recruiter.recruit(skills: instance.skills, costs: costs, using: &generator).team.count
            }
            let explainedRate = Double(explained.count) / Date().timeIntervalSince(explainedStart)
            print(String(format: "recruit %@: median %.0f decisions/s over %d runs (%d instances × %d skills × %d experts, k = %d, %d seats; %d cores); with every candidate's scores and reasons: %.0f/s",
                         strategy.rawValue, rates.sorted()[rates.count / 2], rates.count, instances, skills, experts, k, seats,
                         ProcessInfo.processInfo.activeProcessorCount, explainedRate))
        }
    }
}
