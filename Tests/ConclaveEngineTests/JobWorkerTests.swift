import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveLLM
import ConclaveStore
import ConclaveTesting
import Foundation
import Synchronization
import Testing

/// Workers of the job service against scripted experts, on a real SQLite queue and store: two workers
/// share a job without answering an instance twice, and a worker that dies mid-job leaves its instances to
/// another once its leases expire, with no completed call repeated (they run in `--unit`).
@Suite struct JobWorkerTests {
    let workspace: TemporaryWorkspace

    init() throws {
        workspace = try TemporaryWorkspace(prefix: "conclave-worker")
        try workspace.write(
            "Skills/s.yaml",
            "domain: d\nskills:\n  - name: geography\n    aliases: [capital]\nroles:\n  - name: Judge\n    instructions: Pick.\n"
        )
        for id in ["a", "b", "judge"] { try workspace.writeRemoteExpert(id, skills: ["geography": 1], maxConcurrency: 4) }
        try workspace.write(
            "data.jsonl",
            "{\"id\": \"x\", \"question\": \"What is the capital of France?\", \"choices\": [\"Paris\", \"Rome\"], \"answer\": \"A\"}\n"
        )
        try workspace.write(
            "pipeline.yaml",
            "name: jobs\nregistry: { agents: Agents, skills: Skills }\ndataset: data.jsonl\nrecruiter: { strategy: top-k, k: 2 }\naggregator: { expert: judge, role: Judge }\n"
        )
    }

    /// Counts requests per expert; the judge waits (cancellably) while `judgeWaits` is set.
    final class Script: Sendable {
        let requests = Mutex<[String: Int]>([:])
        let judgeWaits = Mutex(false)

        func answer(_ expert: Expert, _ request: ChatRequest) async throws -> ChatCompletion {
            if expert.id == "judge", judgeWaits.withLock({ $0 }) { try await Task.sleep(for: .seconds(120)) }
            requests.withLock { $0[expert.id, default: 0] += 1 }
            return ChatCompletion(text: "The answer is (A).", inputTokens: 10, outputTokens: 5)
        }

        var total: Int { requests.withLock { $0.values.reduce(0, +) } }
    }

    func questions(_ count: Int) -> [Instance] {
        (0..<count).map { Instance(id: "q\($0)", text: "What is the capital of country \($0)?", choices: ["Paris", "Rome"], gold: "A") }
    }

    func worker(
        _ name: String,
        queue: any JobQueue,
        store: any RunStore,
        script: Script,
        lease: Duration = .seconds(30),
        observer: any RunObserver = SilentObserver()
    ) throws -> JobWorker {
        let pipeline = try ConfigLoader.loadPipeline(workspace.path("pipeline.yaml"))
        return JobWorker(
            name: name,
            queue: queue,
            store: store,
            connector: ScriptedConnector { try await script.answer($0, $1) },
            pipelines: ["jobs": pipeline],
            observer: observer,
            batch: 4,
            lease: lease,
            pollInterval: .milliseconds(20)
        )
    }

    @Test func twoWorkersShareAJobAndAnswerEachInstanceOnce() async throws {
        let path = workspace.path("store.sqlite")
        let queue = try SQLiteJobQueue(path: path)
        let store = try SQLiteRunStore(path: path)
        _ = try await queue.submit(JobSubmission(id: "job", pipeline: "jobs", instances: questions(20)))
        let script = Script()
        let stop = StopSignal()
        let workers = try ["w1", "w2"].map { try worker($0, queue: queue, store: store, script: script) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { try await worker.run(stop: stop) } }
            while try await queue.job("job")?.status != .completed { try await Task.sleep(for: .milliseconds(20)) }
            stop.request()
            try await group.waitForAll()
        }
        #expect(script.total == 20 * 3, "two experts and the judge per instance, once each: \(script.requests.withLock { $0 })")
        let run = try #require(try store.run("job"))
        #expect(run.answered == 20 && run.correct == 20 && run.status == .completed)
    }

    @Test func aWorkerThatDiesMidJobLeavesItsInstancesToAnotherWithNoCompletedCallRepeated() async throws {
        let path = workspace.path("store.sqlite")
        let queue = try SQLiteJobQueue(path: path)
        let store = try SQLiteRunStore(path: path)
        _ = try await queue.submit(JobSubmission(id: "job", pipeline: "jobs", instances: questions(4)))
        let script = Script()
        script.judgeWaits.withLock { $0 = true }
        let doomed = try worker("doomed", queue: queue, store: store, script: script, lease: .milliseconds(300))
        let dying = Task { try await doomed.run(stop: StopSignal()) }
        // The experts answer (8 calls), then the judge hangs: the worker dies there.
        while script.total < 8 { try await Task.sleep(for: .milliseconds(10)) }
        dying.cancel()
        _ = try? await dying.value
        script.judgeWaits.withLock { $0 = false }
        #expect(try await queue.job("job")?.status == .running)

        let stop = StopSignal()
        let survivor = try worker("survivor", queue: queue, store: store, script: script)
        let started = ContinuousClock.now
        let working = Task { try await survivor.run(stop: stop) }
        while try await queue.job("job")?.status != .completed { try await Task.sleep(for: .milliseconds(20)) }
        stop.request()
        try await working.value
        #expect(ContinuousClock.now - started < .seconds(5), "finished within about the lease")
        #expect(script.requests.withLock { $0 } == ["a": 4, "b": 4, "judge": 4], "only the judge calls were left to make")
        #expect(queue.expiredLeases == 4)
        #expect(try store.run("job")?.answered == 4)
    }

    /// Two jobs claimed together: with different instance ids they share one window (each step announced
    /// once, its models grouped for both); with the same ids they run one after the other. Either way
    /// each answer is stored in its own job's run.
    @Test(arguments: [true, false])
    func partsOfDifferentJobsShareAWindowWhenTheirIdsDiffer(distinctIDs: Bool) async throws {
        let path = workspace.path("store-\(distinctIDs).sqlite")
        let queue = try SQLiteJobQueue(path: path)
        let store = try SQLiteRunStore(path: path)
        let second = questions(2).map { instance in
            var renamed = instance
            if distinctIDs { renamed.id = "other-" + instance.id }
            return renamed
        }
        _ = try await queue.submit(JobSubmission(id: "first", pipeline: "jobs", instances: questions(2)))
        _ = try await queue.submit(JobSubmission(id: "second", pipeline: "jobs", instances: second))
        let observer = RecordingObserver()
        let script = Script()
        let worker = try worker("w", queue: queue, store: store, script: script, observer: observer)
        let claimed = try await queue.claim(worker: "w", limit: 4, lease: .seconds(30), pipelines: ["jobs"])
        #expect(claimed.count == 4)
        try await worker.answer(claimed)
        #expect(observer.steps.count == (distinctIDs ? 2 : 4), "\(observer.steps)")
        #expect(script.total == 12)
        for (job, ids) in [("first", questions(2).map(\.id)), ("second", second.map(\.id))] {
            #expect(try store.run(job)?.answered == 2)
            #expect(try await queue.job(job)?.status == .completed)
            for id in ids { #expect(try store.calls(run: job, instance: id).count == 3, "\(job) \(id)") }
        }
        if distinctIDs { #expect(try store.calls(run: "first", instance: "other-q0").isEmpty) }
    }
}
