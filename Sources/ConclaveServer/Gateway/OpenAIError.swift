import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error of the OpenAI-compatible endpoint, in OpenAI's shape, so OpenAI clients raise their usual
/// exceptions (`BadRequestError`, `RateLimitError`, …) with the message.
///
/// ```json
/// {"error": {"message": "the daily budget of 5.00 is spent", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}
/// ```
public struct OpenAIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?

    public init(_ status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public var description: String { "\(status.code) \(message)" }

    /// The error as the body of a response or of a stream's last event.
    var body: [String: Any] {
        ["error": ["message": message, "type": type, "param": param ?? NSNull(), "code": code ?? NSNull()] as [String: Any]]
    }

    /// `body` as JSON (keys sorted).
    func json() -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: json()))
    }
}
