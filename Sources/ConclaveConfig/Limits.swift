/// The allowed ranges of the numeric fields of configuration files: wide enough for any real deployment,
/// narrow enough that what is computed from them later (a timeout as a `Duration`, slots × context for
/// llama-server, sums of memory, arrays of k seats) cannot overflow or exhaust memory.
enum Limits {
    // Experts (Agents/*.yaml).
    static let price = 0.0...1_000_000
    static let contextWindow = 64...10_000_000
    static let maxTokens = 1...10_000_000
    static let concurrency = 1...1024
    /// One day.
    static let timeoutSeconds = 0.001...86_400
    static let samplingTemperature = 0.0...2
    /// 16 TiB.
    static let memoryMB = 1...16_777_216

    // Profiles (Agents/*.yaml and measured profile files).
    static let score = -1e9...1e9
    static let count = 0...1_000_000_000
    static let version = 1...1_000_000_000
    /// Answered questions per skill: whole numbers, read from a map of numbers.
    static let answered = 0.0...1e9
    static let share = 0.0...1
    static let rate = -1.0...1

    // Pipelines.
    static let k = 1...100
    /// Debate rounds, reflection cycles, layers.
    static let rounds = 1...20
    static let seed = 0...Int.max
    static let recruiterTemperature = 0.01...100
    static let lambda = 0.0...1_000_000
    /// Recorded questions the learned router averages.
    static let neighbors = 1...100_000
    /// A spending limit, in the currency of the prices.
    static let budget = 0.0...1_000_000_000
    /// A token limit.
    static let tokenBudget = 0...1_000_000_000_000
    static let residentModels = 1...1024
    static let window = 1...1_000_000
    static let samples = 1...100
    static let similarity = -1.0...1
    static let tolerance = 0.0...1

    // The job service.
    static let port = 0...65_535
    static let workers = 0...256
    static let batch = 1...10_000
    static let leaseSeconds = 0.1...86_400
    static let bodyBytes = 1_024...1_073_741_824
    static let instances = 1...10_000_000
    // The OpenAI-compatible endpoint.
    static let tokensPerMinute = 1...1_000_000_000_000
    static let attempts = 1...20
}
