import ConclaveConfig
import ConclaveCore
import ConclaveEngine
import ConclaveStore
import Foundation
import HTTPTypes
import Hummingbird

/// The job API's routes: submit, list, inspect, page results, cancel, recruit, and the health, readiness and
/// metrics endpoints.
struct JobRoutes: Sendable {
    let spec: ServiceSpec
    let pipelines: [String: LoadedPipeline]
    let queue: any JobQueue
    let store: any RunStore
    let metrics: ServiceMetrics
    /// Whether the workers are running (for `/readyz`).
    let workersRunning: @Sendable () -> Bool

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let nextCursor = HTTPField.Name("Next-Cursor")!

    func add(to router: Router<ServiceContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try await metrics.exposition(queue: queue)))
            )
        }
        router.post("/v1/jobs") { request, context in try await submit(request, context: context) }
        router.get("/v1/jobs") { request, context in try await list(request, context: context) }
        router.get("/v1/jobs/:id") { _, context in try await show(try await job(context)) }
        router.get("/v1/jobs/:id/results") { request, context in try await results(request, job: try await job(context)) }
        router.delete("/v1/jobs/:id") { _, context in
            let job = try await job(context)
            return try JSONResponse.encode(try await queue.cancel(job.id) ?? job)
        }
        router.post("/v1/recruit") { request, context in try await recruit(request, context: context) }
    }

    private func ready() async throws -> Response {
        do { _ = try await queue.pendingCount() } catch { throw APIError(.serviceUnavailable, "the store is not reachable: \(error)") }
        guard workersRunning() else { throw APIError(.serviceUnavailable, "no worker is running") }
        return try JSONResponse.make(["status": "ready"])
    }

    /// The job named in the path, if the caller may see its pipeline.
    private func job(_ context: ServiceContext) async throws -> JobInfo {
        let id = try context.parameters.require("id")
        guard let job = try await queue.job(id) else { throw APIError(.notFound, "no job '\(id)'", field: "id") }
        guard context.access.allows(job.pipeline) else { throw APIError(.forbidden, "this token has no access to pipeline '\(job.pipeline)'") }
        return job
    }

    /// The request body as a JSON object, within the size limit.
    private func object(_ request: Request) async throws -> [String: Any] {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: spec.maxBodyBytes) } catch {
            throw APIError(.contentTooLarge, "the body is larger than \(spec.maxBodyBytes) bytes")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object")
        }
        return object
    }

    /// The pipeline a body names, if served and allowed.
    private func pipeline(_ object: [String: Any], context: ServiceContext) throws -> (String, LoadedPipeline) {
        guard let name = object["pipeline"] as? String else {
            throw APIError(.unprocessableContent, "missing string field 'pipeline'", field: "pipeline")
        }
        guard let pipeline = pipelines[name] else {
            throw APIError(
                .unprocessableContent,
                "unknown pipeline '\(name)'; served: \(pipelines.keys.sorted().joined(separator: ", "))",
                field: "pipeline"
            )
        }
        guard context.access.allows(name) else { throw APIError(.forbidden, "this token has no access to pipeline '\(name)'", field: "pipeline") }
        return (name, pipeline)
    }

    private func submit(_ request: Request, context: ServiceContext) async throws -> Response {
        let object = try await object(request)
        let (name, _) = try pipeline(object, context: context)
        let instances = try instances(of: object)
        let key = request.headers[Self.idempotencyKey]
        let id = "job-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
        let (job, created) = try await queue.submit(JobSubmission(id: id, pipeline: name, instances: instances, idempotencyKey: key))
        if created { metrics.jobSubmitted(pipeline: name) }
        return try JSONResponse.encode(job, status: created ? .accepted : .ok)
    }

    /// The instances of a submission: inline, or read from a dataset file under a configured folder.
    private func instances(of object: [String: Any]) throws -> [Instance] {
        var instances: [Instance] = []
        if let inline = object["instances"] {
            guard let list = inline as? [Any], !list.isEmpty else {
                throw APIError(.unprocessableContent, "field 'instances' must be a non-empty list of objects", field: "instances")
            }
            guard list.count <= spec.maxInstances else {
                throw APIError(.contentTooLarge, "\(list.count) instances; at most \(spec.maxInstances) per job", field: "instances")
            }
            for (index, item) in list.enumerated() {
                guard let entry = item as? [String: Any] else {
                    throw APIError(.unprocessableContent, "instances[\(index)] must be an object", field: "instances[\(index)]")
                }
                switch InstanceObject.instance(from: entry, defaultID: "i\(index)") {
                case .success(let instance): instances.append(instance)
                case .failure(let problem):
                    throw APIError(.unprocessableContent, "instances[\(index)]: \(problem.message)", field: "instances[\(index)].\(problem.field)")
                }
            }
        } else if let path = object["dataset"] as? String {
            instances = try datasetInstances(path)
        } else {
            throw APIError(.unprocessableContent, "give 'instances' (a list of objects) or 'dataset' (a file path)", field: "instances")
        }
        var seen: Set<String> = []
        for instance in instances where !seen.insert(instance.id).inserted {
            throw APIError(.unprocessableContent, "instance id '\(instance.id)' is given twice", field: "instances")
        }
        return instances
    }

    private func datasetInstances(_ path: String) throws -> [Instance] {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        let allowed = spec.datasetFolders.map { $0.standardizedFileURL.resolvingSymlinksInPath().path + "/" }
        guard allowed.contains(where: { url.path.hasPrefix($0) }) else {
            throw APIError(.forbidden, "the server reads datasets only under its configured folders", field: "dataset")
        }
        var instances: [Instance] = []
        var problems: [String] = []
        do {
            for row in try DatasetReader(url: url).rows() {
                switch row {
                case .instance(let instance): instances.append(instance)
                case .invalid(let problem): problems.append("line \(problem.line): \(problem.message)")
                }
                if instances.count > spec.maxInstances {
                    throw APIError(.contentTooLarge, "the dataset has more than \(spec.maxInstances) instances", field: "dataset")
                }
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.unprocessableContent, "cannot read the dataset: \(error)", field: "dataset")
        }
        guard problems.isEmpty else {
            throw APIError(.unprocessableContent, "the dataset has bad rows: " + problems.prefix(5).joined(separator: "; "), field: "dataset")
        }
        guard !instances.isEmpty else { throw APIError(.unprocessableContent, "the dataset has no instance", field: "dataset") }
        return instances
    }

    private func list(_ request: Request, context: ServiceContext) async throws -> Response {
        let query = request.uri.queryParameters
        var status: JobInfo.Status?
        if let given = query.get("status") {
            guard let known = JobInfo.Status(rawValue: given) else {
                throw APIError(.badRequest, "unknown status '\(given)'", field: "status")
            }
            status = known
        }
        let limit = try number(query.get("limit"), field: "limit", default: 50, in: 1...1000)
        let jobs = try await queue.jobs(status: status, pipeline: query.get("pipeline"), limit: limit).filter { context.access.allows($0.pipeline) }
        return try JSONResponse.encode(["jobs": jobs])
    }

    /// A job's state with what its results say so far.
    private func show(_ job: JobInfo) async throws -> Response {
        let run = try await store.run(job.id)
        var failures: [[String: String]] = []
        if let run, run.failed > 0 {
            try await store.forEachResult(run: job.id) { result in
                if let reason = result.failureReason, failures.count < 20 { failures.append(["instance": result.id, "reason": reason]) }
            }
        }
        return try JSONResponse.encode(JobReport(job: job, run: run, failures: failures))
    }

    private func results(_ request: Request, job: JobInfo) async throws -> Response {
        let query = request.uri.queryParameters
        let cursor = try number(query.get("cursor"), field: "cursor", default: -1, in: -1...Int.max)
        let limit = try number(query.get("limit"), field: "limit", default: 100, in: 1...1000)
        let page = try await store.resultsPage(run: job.id, after: cursor, limit: limit)
        var headers: HTTPFields = [.contentType: "application/x-ndjson"]
        if page.lines.count == limit, let last = page.last { headers[Self.nextCursor] = String(last) }
        let body = page.lines.map { $0 + "\n" }.joined()
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    private func recruit(_ request: Request, context: ServiceContext) async throws -> Response {
        let object = try await object(request)
        let (_, pipeline) = try pipeline(object, context: context)
        let instance: Instance
        switch InstanceObject.instance(from: object.filter { $0.key != "pipeline" }, defaultID: "question") {
        case .success(let parsed): instance = parsed
        case .failure(let problem): throw APIError(.unprocessableContent, problem.message, field: problem.field)
        }
        return try JSONResponse.encode(["decision": DecisionMaker(pipeline: pipeline).decide(for: instance)])
    }

    private func number(_ text: String?, field: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(.badRequest, "'\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", field: field)
        }
        return number
    }
}

/// What `GET /v1/jobs/{id}` answers: the queue's view of the job and the run's totals so far.
struct JobReport: Encodable {
    var job: JobInfo
    var answered: Int
    var failed: Int
    var graded: Int
    var correct: Int
    var accuracy: Double?
    var calls: Int
    var cost: Double
    var failures: [[String: String]]

    init(job: JobInfo, run: RunInfo?, failures: [[String: String]]) {
        self.job = job
        answered = run?.answered ?? 0
        failed = run?.failed ?? 0
        graded = run?.graded ?? 0
        correct = run?.correct ?? 0
        accuracy = run?.accuracy
        calls = run?.calls ?? 0
        cost = run?.cost ?? 0
        self.failures = failures
    }
}
