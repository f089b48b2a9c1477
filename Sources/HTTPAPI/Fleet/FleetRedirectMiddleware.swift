import Foundation
import Hummingbird
import Recorder
import Sessions

/// Several nodes, one database (§12): what only the owning node can do — serve a recording's files,
/// close, delete, export, `thumbnails.vtt` — answers `307` to the owner's `public_url`, same path and
/// query. It decides from the path alone, so routes added later (exports) are covered too.
///
/// The recording files' hot path is untouched: a file found on this node's disk is served without
/// asking anyone; only a file the route did not find here leads to the owner lookup.
struct FleetRedirectMiddleware<Context: RequestContext>: RouterMiddleware {
    let manager: SessionManager
    let fleet: FleetDirectory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch Self.classify(method: request.method, path: request.uri.path) {
        case .none:
            return try await next(request, context)
        case .ownerOnly(let sessionId):
            if await manager.isHere(sessionId) { return try await next(request, context) }
            if let redirect = try await redirect(sessionId, request) { return redirect }
            return try await next(request, context)
        case .recordingFile(let sessionId):
            let response: Response
            do {
                response = try await next(request, context)
            } catch let error as APIError where error.status == .notFound {
                if let redirect = await fileRedirect(sessionId, request) { return redirect }
                throw error
            }
            guard response.status == .notFound, let redirect = await fileRedirect(sessionId, request) else { return response }
            return redirect
        }
    }

    enum Target: Equatable {
        case none
        /// Close, delete, exports, thumbnails.vtt: asked of the owner before any handler runs.
        case ownerOnly(String)
        /// `/<id>/<file>`: the owner is looked up only when this node has no such file.
        case recordingFile(String)
    }

    static func classify(method: HTTPRequest.Method, path: String) -> Target {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].isEmpty else { return .none }
        let read = method == .get || method == .head
        if parts[1] == "sessions" {
            let id = String(parts[2])
            guard SessionID.isValid(id) else { return .none }
            switch (parts.count, method) {
            case (3, .delete): return .ownerOnly(id)
            case (4, .post) where parts[3] == "close": return .ownerOnly(id)
            case (4, _) where read && (parts[3] == "export.mp4" || parts[3] == "thumbnails.vtt"): return .ownerOnly(id)
            default: return .none
            }
        }
        if parts.count == 3, read, !parts[2].isEmpty {
            let id = String(parts[1])
            return SessionID.isValid(id) ? .recordingFile(id) : .none
        }
        return .none
    }

    /// The owner's answer for a file this node does not have; nil (the 404 stands) when the session is
    /// this node's, unknown, or the database cannot say.
    private func fileRedirect(_ sessionId: String, _ request: Request) async -> Response? {
        do {
            return try await redirect(sessionId, request)
        } catch {
            return nil
        }
    }

    /// 307 to the node that owns the session, or nil when this node owns it (or nobody does).
    private func redirect(_ sessionId: String, _ request: Request) async throws -> Response? {
        guard let session = try await manager.session(sessionId), session.node != fleet.nodeId,
              let base = await ownerBase(session), base != fleet.publicURL
        else { return nil }
        return Response(status: .temporaryRedirect, headers: [
            .location: base + request.uri.description, .cacheControl: "no-store",
        ])
    }

    /// The owner's `public_url` from the nodes table; for a node that never sent a heartbeat, the base
    /// of the row's `playlist_url`, which its owner wrote.
    private func ownerBase(_ session: Session) async -> String? {
        if let url = await fleet.publicURL(of: session.node) { return url }
        let suffix = "/\(session.sessionId)/\(RecordingLayout.playlistFileName)"
        guard session.playlistUrl.hasSuffix(suffix) else { return nil }
        return FleetDirectory.trimmed(String(session.playlistUrl.dropLast(suffix.count)))
    }
}
