import Foundation
import Hummingbird
import NIOCore
import Recorder
import Sessions

/// Detections (§11): a batch posted against a session, one session's page oldest first, and the
/// search across sessions newest first.
struct DetectionController<Context: RequestContext>: Sendable {
    let manager: SessionManager
    /// This route alone takes bodies this large (a batch of 1000 with attributes); every other keeps 64 KiB.
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/sessions/{id}/detections", use: create)
        router.get("/sessions/{id}/detections", use: sessionPage)
        router.get("/detections", use: search)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let tooLarge = APIError(.contentTooLarge, code: "body_too_large", "The request body is larger than the \(maxBodyBytes / 1024) KiB limit of this route; send fewer detections per batch.")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes { throw tooLarge }
        let id = try SessionController<Context>.sessionId(context)
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        let items = try DetectionBatchBody.decode(Data(buffer.readableBytesView))
        let inserted = try await manager.recordDetections(sessionId: id, items: items)
        return try SessionController<Context>.json(InsertedJSON(inserted: inserted), status: .created)
    }

    @Sendable func sessionPage(_ request: Request, context: Context) async throws -> Response {
        let id = try SessionController<Context>.sessionId(context)
        let parameters = request.uri.queryParameters
        var query = DetectionQuery(sessionId: id, order: .oldestFirst)
        try Self.common(parameters, into: &query)
        query.cursor = try Self.cursor(parameters, name: "after")
        guard try await manager.session(id) != nil else { throw APIError(RecorderError.notFound(id)) }
        return try await page(query, cursorName: "next_after")
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = DetectionQuery(order: .newestFirst)
        try Self.common(parameters, into: &query)
        query.cursor = try Self.cursor(parameters, name: "before")
        if let deviceId = parameters.get("deviceId") ?? parameters.get("device_id") {
            guard (1...128).contains(deviceId.utf8.count), !deviceId.unicodeScalars.contains("\u{0}") else {
                throw APIError(.unprocessableContent, code: "invalid_device_id", "deviceId must be 1 to 128 characters without NUL bytes.")
            }
            query.deviceId = deviceId
        }
        query.from = try parameters.get("from").map { text throws(APIError) in try ArchiveWindow.time(text, name: "from") }
        query.to = try parameters.get("to").map { text throws(APIError) in try ArchiveWindow.time(text, name: "to") }
        if let from = query.from, let to = query.to, from > to {
            throw APIError(.unprocessableContent, code: "invalid_range", "from must not be after to.")
        }
        return try await page(query, cursorName: "next_before")
    }

    private func page(_ query: DetectionQuery, cursorName: String) async throws -> Response {
        let rows = try await manager.detections(query)
        let next = rows.count == query.limit ? rows.last?.cursor.token : nil
        let publicURL = manager.config.publicURL
        return try SessionController<Context>.json(DetectionPageJSON(
            detections: rows.map { DetectionJSON(detection: $0, publicURL: publicURL) }, cursorName: cursorName, cursor: next))
    }

    /// `label`, `minConfidence`, `limit`: shared by both searches.
    static func common(_ parameters: Parameters, into query: inout DetectionQuery) throws(APIError) {
        if let label = parameters.get("label") {
            guard (1...DetectionInput.maxLabelCharacters).contains(label.count),
                  !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw APIError(.unprocessableContent, code: "invalid_label", "label must be 1 to \(DetectionInput.maxLabelCharacters) characters without control characters.")
            }
            query.label = label
        }
        if let text = parameters.get("minConfidence") ?? parameters.get("min_confidence") {
            guard let value = Double(text), value.isFinite else { throw .badRequest("wrong_type", "minConfidence must be a number.") }
            guard (0...1).contains(value) else {
                throw APIError(.unprocessableContent, code: "invalid_confidence", "minConfidence must be from 0 to 1.")
            }
            query.minConfidence = value
        }
        if let text = parameters.get("limit") {
            guard let limit = Int(text) else { throw .badRequest("wrong_type", "limit must be an integer.") }
            guard (1...DetectionInput.maxItems).contains(limit) else {
                throw APIError(.unprocessableContent, code: "invalid_limit", "limit must be from 1 to \(DetectionInput.maxItems).")
            }
            query.limit = limit
        }
    }

    static func cursor(_ parameters: Parameters, name: String) throws(APIError) -> DetectionCursor? {
        guard let token = parameters.get(name) else { return nil }
        guard let cursor = DetectionCursor(token: token) else {
            throw APIError(.unprocessableContent, code: "invalid_cursor", "\(name) must be a cursor taken from an earlier page (next_\(name)).")
        }
        return cursor
    }
}
