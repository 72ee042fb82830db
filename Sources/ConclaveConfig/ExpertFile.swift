import ConclaveCore
import Foundation
import Yams

/// One parsed `Agents/*.yaml` file: the expert (nil when a required part is broken) and the positions of
/// what other files must agree with (its id, its skill references).
struct ExpertFile {
    var expert: Expert?
    var id: (name: String, node: Node)?
    var skillReferences: [(name: String, node: Node)] = []

    static let keys = [
        "id", "description", "runtime", "price", "context_window", "max_concurrency",
        "timeout_seconds", "sampling", "instructions", "profile", "memory_mb",
    ]

    /// Reads the file, reporting problems to `reader`; model files of the llama.cpp runtime must be readable.
    static func read(_ root: Node, reader: YAMLReader, environment: ConfigEnvironment, baseDirectory: URL) -> ExpertFile {
        var file = ExpertFile()
        guard let fields = reader.fields(root, of: "expert", allowed: keys) else { return file }
        file.id = fields.named("id")
        let id = file.id?.name
        let description = fields.string("description")
        let runtime = fields.nested("runtime", allowed: ["kind", "model", "base_url", "api_key_env"])
            .flatMap { readRuntime($0, reader: reader, environment: environment, baseDirectory: baseDirectory) }
        let price = fields.nested("price", allowed: ["input_per_million", "output_per_million"]).flatMap { price -> Price? in
            guard let input = price.double("input_per_million", in: Limits.price),
                let output = price.double("output_per_million", in: Limits.price)
            else { return nil }
            return Price(inputPerMillion: input, outputPerMillion: output)
        }
        let context = fields.int("context_window", in: Limits.contextWindow)
        let concurrency = fields.int("max_concurrency", required: false, in: Limits.concurrency) ?? 1
        let timeout = fields.double("timeout_seconds", required: false, in: Limits.timeoutSeconds) ?? 60
        var sampling = Sampling()
        if let given = fields.nested("sampling", allowed: ["temperature", "max_tokens"], required: false) {
            sampling.temperature = given.double("temperature", required: false, in: Limits.samplingTemperature) ?? sampling.temperature
            sampling.maxTokens = given.int("max_tokens", required: false, in: Limits.maxTokens) ?? sampling.maxTokens
        }
        let instructions = fields.string("instructions", required: false)
        let memory = fields.int("memory_mb", required: false, in: Limits.memoryMB)
        var profile: Profile?
        if let given = fields.nested("profile", allowed: ProfileFields.keys) {
            (profile, file.skillReferences) = ProfileFields.read(given)
        }
        if let id, let description, let runtime, let price, let context, let profile {
            file.expert = Expert(
                id: id,
                description: description,
                runtime: runtime,
                price: price,
                contextWindow: context,
                maxConcurrency: concurrency,
                timeoutSeconds: timeout,
                sampling: sampling,
                instructions: instructions,
                profile: profile,
                memoryMB: memory
            )
        }
        return file
    }

    private static func readRuntime(_ fields: Fields, reader: YAMLReader, environment: ConfigEnvironment, baseDirectory: URL) -> ExpertRuntime? {
        guard let kind = fields.string("kind"), let model = fields.string("model") else { return nil }
        switch kind {
        case "llama.cpp":
            if let node = fields.value("base_url", required: false) {
                reader.report(node, "'base_url' is for kind openai; llama.cpp models are served by Conclave itself")
            }
            guard let path = expand(model, node: fields.value("model"), reader: reader, environment: environment) else { return nil }
            let resolved = path.hasPrefix("/") ? path : baseDirectory.appendingPathComponent(path).path
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                reader.report(
                    fields.value("model"),
                    "model file \(Diagnostic.quoted(resolved, limit: Diagnostic.pathLimit)) is not readable (run scripts/setup.sh to install the local models)"
                )
                return nil
            }
            return .llamaCpp(modelPath: resolved)
        case "openai":
            guard let base = fields.string("base_url"),
                let url = expand(base, node: fields.value("base_url"), reader: reader, environment: environment)
            else { return nil }
            guard URL(string: url)?.scheme?.hasPrefix("http") == true else {
                reader.report(fields.value("base_url"), "base_url \(Diagnostic.quoted(url)) must be an http or https URL")
                return nil
            }
            return .openAI(baseURL: url, model: model, apiKeyVariable: fields.string("api_key_env", required: false))
        default:
            reader.report(
                fields.value("kind"),
                "unknown runtime kind \(Diagnostic.quoted(kind))" + YAMLReader.suggestion(for: kind, among: ["llama.cpp", "openai"])
            )
            return nil
        }
    }

    private static func expand(_ text: String, node: Node?, reader: YAMLReader, environment: ConfigEnvironment) -> String? {
        do { return try environment.expand(text) } catch {
            reader.report(node, "\(error)")
            return nil
        }
    }
}
