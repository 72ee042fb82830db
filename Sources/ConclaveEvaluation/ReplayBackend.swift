import ConclaveCore
import ConclaveLLM

/// Answers from recorded outcomes instead of calling a model, so a whole pipeline (recruitment, batching,
/// aggregation, grading, the store) can be run and evaluated offline. For the question in the prompt, the
/// model's recorded score decides the answer: "The answer is (A)." when right and "The answer is (B)." when
/// wrong, so a replayed dataset has gold "A"; a partial score is the chance of a right answer, drawn with
/// the request's seed. A model without records (an aggregator, say) gives the majority answer of the
/// responses in its prompt.
///
/// ```swift
/// let outcomes = ReplayOutcomes(matrix)
/// let backend = ReplayBackend(outcomes: outcomes)
/// try await backend.complete(ChatRequest(model: "small", messages: Prompts.expert(…), temperature: 0, maxTokens: 8))
/// ```
public struct ReplayBackend: ChatBackend {
    public let outcomes: ReplayOutcomes

    public init(outcomes: ReplayOutcomes) { self.outcomes = outcomes }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let prompt = request.messages.last { $0.role == .user }?.content ?? ""
        let right: Bool
        if let model = outcomes.column[request.model] {
            guard let row = outcomes.row(for: prompt) else {
                throw LLMError.http(status: 404, body: "no recorded outcome of \(request.model) for this question")
            }
            var rng = SeededGenerator(seed: request.seed ?? 0)
            let score = outcomes.matrix.rows[row].scores[model]
            right = score >= 1 || (score > 0 && Double.random(in: 0..<1, using: &rng) < score)
        } else {
            right = Self.count("The answer is (A)", in: prompt) >= Self.count("The answer is (B)", in: prompt)
        }
        return ChatCompletion(
            text: right ? "The answer is (A)." : "The answer is (B).",
            inputTokens: TokenEstimate.tokens(in: prompt),
            outputTokens: 6
        )
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}

/// An outcome matrix indexed for replay: models by name, questions by their text.
public struct ReplayOutcomes: Sendable {
    public let matrix: OutcomeMatrix
    let column: [String: Int]
    private let rows: [String: Int]

    public init(_ matrix: OutcomeMatrix) {
        self.matrix = matrix
        column = Dictionary(matrix.models.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        rows = Dictionary(matrix.rows.enumerated().map { ($1.question, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The row of the question in a prompt built by `Prompts`: the text after "Question: " up to the
    /// instructions that follow it.
    func row(for prompt: String) -> Int? {
        guard prompt.hasPrefix("Question: ") else { return nil }
        var text = prompt.dropFirst("Question: ".count)
        if let experts = text.range(of: "\n\nSeveral experts answered") {
            text = text[..<experts.lowerBound]
        } else if let instructions = text.range(of: "\n\n", options: .backwards) {
            text = text[..<instructions.lowerBound]
        }
        return rows[String(text)]
    }
}
