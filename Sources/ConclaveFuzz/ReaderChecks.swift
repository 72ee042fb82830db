import ConclaveConfig
import ConclaveCore
import ConclaveEvaluation
import Foundation

/// The readers a damaged file goes through, as the commands use them, each judged by `FuzzOutcome`.
struct ReaderChecks {
    let root: URL
    let environment: ConfigEnvironment
    let expert: Expert

    /// A YAML file as `conclave validate FILE` checks it alone, and as `conclave validate PIPELINE` and `run`
    /// see it through the pipeline that reads it; those two must agree on whether the pipeline is usable.
    func configuration(_ path: String, bytes: [UInt8], pipeline: String) -> FuzzOutcome {
        let pipelinePath = root.appendingPathComponent(pipeline).path
        let validated = ConfigLoader.validate(paths: [pipelinePath], environment: environment)
        let alone = path == pipelinePath ? validated : ConfigLoader.validate(paths: [path], environment: environment)
        var loadProblems: [Diagnostic] = []
        do { _ = try ConfigLoader.loadPipeline(pipelinePath, environment: environment) } catch {
            guard !error.diagnostics.isEmpty else { return .badRejection("loading the pipeline failed without a diagnostic") }
            loadProblems = error.diagnostics
        }
        if validated.isEmpty != loadProblems.isEmpty {
            return .badRejection(
                validated.isEmpty
                    ? "validate accepts what loading rejects: \(loadProblems[0])"
                    : "loading accepts what validate rejects: \(validated[0])"
            )
        }
        return [alone, validated, loadProblems].map { FuzzOutcome.judging($0, path: path, bytes: bytes) }.reduce(.accepted) { $0.combined(with: $1) }
    }

    /// A dataset as `run` reads it: the progress count, every row, and the prompt and grade of every instance.
    func dataset(_ url: URL, bytes: [UInt8]) -> FuzzOutcome {
        let reader = DatasetReader(url: url)
        var problems: [Diagnostic] = []
        var rows = 0
        do {
            let count = try reader.instanceCount()
            let grader = Grader(kind: .multipleChoice)
            for row in try reader.rows() {
                rows += 1
                switch row {
                case .invalid(let problem): problems.append(problem)
                case .instance(let instance):
                    _ = Prompts.expert(instance: instance, role: nil, expert: expert)
                    _ = grader.isCorrect(
                        grader.extract(from: "The answer is (B). B) \(instance.choices.last ?? "")", for: instance),
                        gold: instance.gold ?? ""
                    )
                }
            }
            if rows != count { return .badRejection("the dataset counts \(count) rows but yields \(rows)") }
        } catch {
            return .badRejection("reading the dataset threw \(type(of: error)): \(error)")
        }
        return FuzzOutcome.judging(problems, path: url.path, bytes: bytes)
    }

    /// An outcome matrix and its models file as `eval-routing` reads them.
    func outcomes(damaged url: URL, bytes: [UInt8]) -> FuzzOutcome {
        let routing = root.appendingPathComponent("routing")
        do {
            let read = try OutcomeFile.read(
                outcomes: routing.appendingPathComponent("train.jsonl"),
                models: routing.appendingPathComponent("models.json")
            )
            return FuzzOutcome.judging(read.skipped, path: url.path, bytes: bytes)
        } catch let error as ConfigurationError {
            guard !error.diagnostics.isEmpty else { return .badRejection("a configuration error without a diagnostic") }
            return FuzzOutcome.judging(error.diagnostics, path: url.path, bytes: bytes)
        } catch {
            return .badRejection("reading the outcomes threw \(type(of: error)): \(error)")
        }
    }
}
