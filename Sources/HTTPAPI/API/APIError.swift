import Foundation
import Hummingbird
import Recorder

/// The contract's error body: `{"error": {"code": "snake_case", "message": "…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    init(_ error: RecorderError) {
        // A dependency that is down comes back: tell clients (a detector's retry loop) when to try again.
        let headers: HTTPFields = error.kind == .unavailable ? [.retryAfter: String(Self.retryAfterSeconds)] : [:]
        self.init(Self.status(of: error.kind), code: error.code, error.message, headers: headers)
    }

    /// `Retry-After` on 503s for a dependency that is down (the database).
    static let retryAfterSeconds = 5

    /// The contract's status for each kind of refusal (§5); the only place that knows it.
    static func status(of kind: RecorderError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .atCapacity, .unavailable: .serviceUnavailable
        case .insufficientStorage: .init(code: 507, reasonPhrase: "Insufficient Storage")
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message) }

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = #"{"error":{"code":\#(JSONText.quote(code)),"message":\#(JSONText.quote(message))}}"#
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

enum JSONText {
    /// A JSON string literal for any Swift string (escapes quotes, backslashes and control characters).
    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
