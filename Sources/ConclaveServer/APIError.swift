import Foundation
import HTTPTypes
import Hummingbird

/// An error the job API answers with: a 4xx (or 5xx) status and a JSON body naming what was wrong and,
/// where one field is at fault, which.
///
/// ```json
/// {"error": {"status": 422, "message": "unknown pipeline 'quikstart'", "field": "pipeline"}}
/// ```
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var field: String?

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: Any] = ["status": status.code, "message": message]
        if let field { error["field"] = field }
        return try JSONResponse.make(["error": error], status: status)
    }
}

/// JSON bodies the API sends.
enum JSONResponse {
    /// A response whose body is `object` as JSON (keys sorted).
    static func make(_ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response whose body is an `Encodable` value as JSON with snake_case keys and ISO 8601 dates.
    static func encode<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }
}
