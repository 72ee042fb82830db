import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who may call the API: bearer tokens, each with access to every pipeline or to some. Tokens come from a
/// file (one per line: `TOKEN`, or `TOKEN pipeline1,pipeline2`; `#` starts a comment) and from an
/// environment variable (comma-separated, every pipeline). With no token configured, the API is open, and
/// `serve` says so. Tokens are compared in constant time and never logged.
///
/// ```swift
/// let tokens = try BearerTokens(file: URL(fileURLWithPath: "tokens.txt"), variable: "CONCLAVE_TOKENS")
/// tokens.access(for: "secret")   // .all, .pipelines(["quickstart"]) or nil
/// ```
public struct BearerTokens: Sendable {
    /// What a token may do.
    public enum Access: Sendable, Hashable {
        case all
        case pipelines(Set<String>)

        public func allows(_ pipeline: String) -> Bool {
            switch self {
            case .all: true
            case .pipelines(let names): names.contains(pipeline)
            }
        }
    }

    private let entries: [(token: [UInt8], access: Access)]

    public var isEmpty: Bool { entries.isEmpty }

    public init(entries: [(String, Access)]) {
        self.entries = entries.map { (Array($0.0.utf8), $0.1) }
    }

    public init(file: URL?, variable: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var entries: [(String, Access)] = []
        if let file {
            for line in try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline) {
                let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let parts = text.split(whereSeparator: \.isWhitespace)
                guard let token = parts.first else { continue }
                let scope = parts.dropFirst().joined().split(separator: ",").map(String.init)
                entries.append((String(token), scope.isEmpty ? .all : .pipelines(Set(scope))))
            }
        }
        if let variable, let value = environment[variable] {
            entries += value.split(separator: ",").map { (String($0).trimmingCharacters(in: .whitespaces), Access.all) }.filter { !$0.0.isEmpty }
        }
        self.init(entries: entries)
    }

    /// The access of a presented token; every configured token is compared, each in constant time.
    public func access(for presented: String) -> Access? { match(presented)?.access }

    /// The presented token's position among the configured ones (who the caller is, for per-client limits,
    /// without keeping the token) and its access.
    public func match(_ presented: String) -> (client: Int, access: Access)? {
        let bytes = Array(presented.utf8)
        var found: (Int, Access)?
        for (index, entry) in entries.enumerated() where Self.equal(entry.token, bytes) { found = (index, entry.access) }
        return found
    }

    /// Compares without returning early, so the time taken does not tell how much of a token matched.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// The request context of the API: Hummingbird's basics and the caller's access, set by `BearerAuth`.
public struct ServiceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var access: BearerTokens.Access = .all
    /// Which configured token the caller presented (nil when the API is open): per-client limits key on it.
    public var client: Int?
    /// The connection the request came on (`Departures` cancels a long answer when its client leaves).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Refuses requests without a known bearer token (401) on every route but the health checks; the token's
/// access is put in the context for the routes that name a pipeline (403 when it is not allowed).
struct BearerAuth: RouterMiddleware {
    let tokens: BearerTokens
    static let open: Set<String> = ["/healthz", "/readyz"]

    func handle(_ request: Request, context: ServiceContext, next: (Request, ServiceContext) async throws -> Response) async throws -> Response {
        guard !tokens.isEmpty, !Self.open.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "a bearer token is required (Authorization: Bearer TOKEN)")
        }
        guard let (client, access) = tokens.match(String(header.dropFirst(7))) else { throw APIError(.unauthorized, "unknown bearer token") }
        var context = context
        context.access = access
        context.client = client
        return try await next(request, context)
    }
}
