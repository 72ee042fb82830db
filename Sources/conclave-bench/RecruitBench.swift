import ArgumentParser
import ConclaveConfig
import ConclaveCore
import ConclaveEvaluation
import Foundation

/// `conclave-bench recruit`: decisions per second on the path `conclave run` takes — lexical skill
/// extraction on real question text, every candidate's expected cost for the question, the whole decision
/// with every candidate's scores — spread over the cores as a run's window is; the recruitment kernel on
/// precomputed skill columns is printed beside it, and the scaling the machine's cores give a loop that
/// shares nothing (`MachineScaling`), against which the decide path's own scaling is read.
struct RecruitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recruit",
        abstract: "Decisions per second on the production path (target ≥ 1,000,000 on 2 cores), and the kernel beside it."
    )

    @Option(help: "Question sets (JSONL, read with the dataset reader) whose text is decided.")
    var datasets = ["../shared/data/routing/train.jsonl", "../shared/data/mcq/MMLU_Pro_train.jsonl", "../shared/data/mcq/MedMCQA_train.jsonl"]
    @Option(help: "The registry's Skills folder (its vocabulary and roles).") var skills = "Skills"
    @Option(help: "Terms mined from the questions join the vocabulary when in at least this many of them.") var minTermCount = 150
    @Option(help: "Instances to decide (the questions, cycled, each with its own id).") var instances = 200_000
    @Option(help: "Experts in the synthetic registry.") var experts = 16
    @Option(help: "Seats per team.") var k = 3
    @Option(help: "Instances decided together, as a run's window (the pipeline default).") var window = PipelineSpec.defaultWindow
    @Option(help: "Runs; the median is the figure.") var repeats = 5
    @Option(help: "Strategies to measure (the first of them gives the headline figures).")
    var strategies: [RecruitmentStrategy] = [.symbolic, .topK, .costAware]
    @OptionGroup var output: BenchOutput

    func validate() throws {
        if strategies.contains(.learned) { throw ValidationError("the learned strategy needs recorded outcomes; it is not benchmarked here") }
        if strategies.isEmpty { throw ValidationError("name at least one strategy") }
    }

    func run() throws {
        let questions = try loadQuestions()
        guard !questions.isEmpty else { throw ValidationError("no question could be read from \(datasets.joined(separator: ", "))") }
        let shipped = FileManager.default.fileExists(atPath: skills) ? try ConfigLoader.loadSkills(directory: skills) : []
        let vocabulary = shipped + TermMiner(minimumCount: minTermCount).skills(from: questions.map(\.text), excluding: shipped)
        let registry = syntheticRegistry(vocabulary: vocabulary)
        let asked = (0..<instances).map { index in
            var instance = questions[index % questions.count]
            instance.id = "q\(index)"
            return instance
        }
        let windows = stride(from: 0, to: asked.count, by: max(1, window)).map { Array(asked[$0..<min($0 + max(1, window), asked.count)]) }
        let probe = DecisionMaker(registry: registry, k: k, strategy: .symbolic, aggregator: "e0", seed: 42)
        let matched = asked.prefix(20_000).map { probe.skills(for: $0).count }
        let meanSkills = Double(matched.reduce(0, +)) / Double(max(matched.count, 1))
        let meanBytes =
            Double(asked.prefix(20_000).map { $0.text.utf8.count + $0.choices.map(\.utf8.count).reduce(0, +) }.reduce(0, +))
            / Double(min(asked.count, 20_000))
        output.say(
            String(
                format:
                    "%d questions from %d files (mean %.0f bytes of text), vocabulary %d skills (%d shipped + mined terms in ≥ %d questions): mean %.2f skills matched per question; %d experts, k = %d, windows of %d, %d cores",
                questions.count,
                datasets.count,
                meanBytes,
                vocabulary.count,
                shipped.count,
                minTermCount,
                meanSkills,
                experts,
                k,
                window,
                ProcessInfo.processInfo.activeProcessorCount
            )
        )

        var figures: [String: BenchValue] = [:]
        var perStrategy: [String: BenchValue] = [:]
        for strategy in strategies {
            let decider = DecisionMaker(registry: registry, k: k, strategy: strategy, lambda: 1, aggregator: "e0", seed: 42)
            // What a run does: window after window, every instance of it decided on the cores, as
            // `RunSession` decides it, the window's decisions let go of before the next; in turns with the
            // same on one thread, whose rate times the cores is the most that spreading a window could give.
            let (spread, single, machine) = measureInTurns(
                { for window in windows { _ = window.concurrentMap { decider.decide(for: $0, extraction: nil) } } },
                { for window in windows { _ = window.map { decider.decide(for: $0, extraction: nil) } } }
            )
            let (decide, decideCPU, oneThread) = (spread.perSecond, spread.cpuMicroseconds, single.perSecond)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let scaling = decide / (oneThread * Double(cores))
            let rendered = measure {
                for window in windows {
                    _ = window.concurrentMap { instance in
                        decider.decide(for: instance, extraction: nil).recruitment.scores.reduce(0) { $0 + $1.reason.utf8.count }
                    }
                }
            }.perSecond
            let recruiter = decider.recruiter
            let columns = asked.map { recruiter.columns(for: decider.skills(for: $0).map(\.skill)) }
            let costs = registry.experts.map { $0.expectedCost(promptTokens: 100) }
            let kernel = measure {
                _ = columns.indices.map { $0 }.concurrentMap { index -> Int in
                    var generator = SeededGenerator(seed: 42, instanceID: asked[index].id)
                    return recruiter.team(columns: columns[index], costs: costs, using: &generator).count
                }
            }.perSecond
            output.say(
                String(
                    format:
                        "recruit %@: median %.0f decisions/s, %.2f µs of CPU each; one thread %.0f/s, so the %d cores reach %.0f%% of %.0f/s, where a loop that shares nothing reaches %.0f%% (with every reason rendered as text: %.0f/s); kernel on precomputed columns: %.0f/s",
                    strategy.rawValue,
                    decide,
                    decideCPU ?? .nan,
                    oneThread,
                    cores,
                    100 * scaling,
                    oneThread * Double(cores),
                    100 * machine,
                    rendered,
                    kernel
                )
            )
            var measured: [String: BenchValue] = [
                "decide_per_s": .double(decide), "decide_with_reason_text_per_s": .double(rendered), "kernel_per_s": .double(kernel),
                "one_thread_per_s": .double(oneThread), "scaling": .double(scaling), "machine_scaling": .double(machine),
            ]
            if let decideCPU { measured["decide_cpu_us"] = .double(decideCPU) }
            perStrategy[strategy.rawValue] = .object(measured)
            if strategy == strategies.first {
                figures.merge(measured) { _, new in new }
            }
        }
        figures["strategies"] = .object(perStrategy)
        figures["instances"] = .int(instances)
        figures["questions"] = .int(questions.count)
        figures["mean_skills_per_question"] = .double(meanSkills)
        figures["mean_text_bytes"] = .double(meanBytes)
        figures["experts"] = .int(experts)
        figures["k"] = .int(k)
        figures["window"] = .int(window)
        figures["cores"] = .int(ProcessInfo.processInfo.activeProcessorCount)
        try output.figures(figures)
    }

    /// A measured figure: decisions per second, and CPU microseconds per decision (nil without `/proc`).
    typealias Figure = (perSecond: Double, cpuMicroseconds: Double?)

    /// Decisions per second: the median over `repeats` timed runs of `body` over every instance; and the
    /// process's CPU time per decision over all of them, in microseconds, a figure the machine's speed
    /// moves less than it moves the rate.
    private func measure(_ body: () -> Void) -> Figure { summary((0..<max(1, repeats)).map { _ in timed(body) }) }

    /// `measure` of two bodies taken in turns, run by run, so that the machine's drift weighs on both alike;
    /// between them each time, the scaling the machine's cores give a loop that shares nothing
    /// (`MachineScaling`), whose median is the third figure.
    private func measureInTurns(_ first: () -> Void, _ second: () -> Void) -> (first: Figure, second: Figure, machine: Double) {
        var runs: [(first: Figure, second: Figure, machine: Double)] = []
        for _ in 0..<max(1, repeats) { runs.append((timed(first), timed(second), MachineScaling.measure())) }
        return (summary(runs.map(\.first)), summary(runs.map(\.second)), runs.map(\.machine).sorted()[runs.count / 2])
    }

    /// One run of `body` over every instance: its rate and the process's CPU time per decision.
    private func timed(_ body: () -> Void) -> Figure {
        let cpuBefore = ProcessCPU.seconds(of: getpid())
        let started = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - started
        let cpu = ProcessCPU.seconds(of: getpid()).flatMap { after in cpuBefore.map { after - $0 } }
        return (Double(instances) / elapsed.inSeconds, cpu.map { $0 / Double(instances) * 1e6 })
    }

    /// The median rate of the runs and their mean CPU per decision.
    private func summary(_ runs: [Figure]) -> Figure {
        let cpu = runs.compactMap(\.cpuMicroseconds)
        return (
            runs.map(\.perSecond).sorted()[runs.count / 2],
            cpu.count == runs.count ? cpu.reduce(0, +) / Double(cpu.count) : nil
        )
    }

    private func loadQuestions() throws -> [Instance] {
        var questions: [Instance] = []
        for path in datasets {
            for row in try DatasetReader(url: URL(fileURLWithPath: path)).rows() {
                if case .instance(let instance) = row { questions.append(instance) }
            }
        }
        return questions
    }

    /// `experts` experts with seeded profiles over the whole vocabulary and four price levels.
    private func syntheticRegistry(vocabulary: [Skill]) -> Registry {
        var rng = SeededGenerator(seed: 1)
        let team = (0..<experts).map { index in
            var profile: [String: Double] = [:]
            for skill in vocabulary { profile[skill.name] = Double(Int.random(in: -20...40, using: &rng)) }
            let price = Double(index % 4 + 1)
            return Expert(
                id: "e\(index)",
                description: "synthetic",
                runtime: .openAI(baseURL: "http://127.0.0.1:9/v1", model: "m\(index)", apiKeyVariable: nil),
                price: Price(inputPerMillion: price, outputPerMillion: price),
                contextWindow: 4096,
                maxConcurrency: 1,
                timeoutSeconds: 10,
                profile: Profile(skills: profile)
            )
        }
        // One role per domain of the vocabulary, suited to all its skills, as the shipped Skills files declare.
        let domains = Dictionary(grouping: vocabulary, by: \.domain).sorted { $0.key < $1.key }
        let roles = domains.map { Role(name: "\($0.key) expert", domain: $0.key, instructions: "", skills: $0.value.map(\.name)) }
        return Registry(experts: team, skills: vocabulary, roles: roles)
    }
}

extension RecruitmentStrategy: ExpressibleByArgument {}
