import Foundation
import Hummingbird
import Recorder
import Sessions

/// `/sessions`: start, close, list, get, delete.
struct SessionController<Context: RequestContext>: Sendable {
    let manager: SessionManager
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/sessions", use: create)
        router.get("/sessions", use: list)
        router.get("/sessions/{id}", use: show)
        router.post("/sessions/{id}/close", use: close)
        router.delete("/sessions/{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(.contentTooLarge, code: "body_too_large", "The request body is larger than the 64 KiB limit.")
        }
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        let start = try StartRequest(jsonBody: Data(buffer.readableBytesView))
        let session = try await manager.start(start)
        var response = try Self.json(SessionJSON(session: session), status: .created)
        response.headers[.location] = "/sessions/\(session.sessionId)"
        return response
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = try Self.listQuery(request.uri.queryParameters)
        let sessions = try await manager.list(query)
        let next = sessions.count == query.limit ? sessions.last?.sessionId : nil
        return try Self.json(SessionListJSON(sessions: sessions.map(SessionJSON.init), nextBefore: next))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.sessionId(context)
        guard let session = try await manager.session(id) else { throw APIError(RecorderError.notFound(id)) }
        return try Self.json(SessionJSON(session: session))
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.sessionId(context)
        return try Self.json(SessionJSON(session: try await manager.close(id)))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await manager.delete(try Self.sessionId(context))
        return Response(status: .noContent)
    }

    static func sessionId(_ context: Context) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), SessionID.isValid(id) else {
            throw APIError(.notFound, code: "session_not_found", "No session has this id; ids match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$.")
        }
        return id
    }

    static func listQuery(_ parameters: Parameters) throws(APIError) -> SessionQuery {
        var query = SessionQuery()
        if let text = parameters.get("limit") {
            guard let limit = Int(text) else { throw .badRequest("wrong_type", "limit must be an integer.") }
            guard (1...500).contains(limit) else {
                throw APIError(.unprocessableContent, code: "invalid_limit", "limit must be from 1 to 500.")
            }
            query.limit = limit
        }
        if let text = parameters.get("status") {
            guard let status = SessionStatus(rawValue: text) else {
                throw APIError(.unprocessableContent, code: "invalid_status", "status must be one of \(SessionStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            query.status = status
        }
        if let deviceId = parameters.get("deviceId") ?? parameters.get("device_id") {
            guard (1...128).contains(deviceId.utf8.count), !deviceId.unicodeScalars.contains("\u{0}") else {
                throw APIError(.unprocessableContent, code: "invalid_device_id", "deviceId must be 1 to 128 characters without NUL bytes.")
            }
            query.deviceId = deviceId
        }
        if let before = parameters.get("before") {
            guard SessionID.isValid(before) else {
                throw APIError(.unprocessableContent, code: "invalid_cursor", "before must be a session id taken from an earlier page.")
            }
            query.before = before
        }
        return query
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
