import Foundation
import Hummingbird
import Recorder
import Sessions

/// `GET|HEAD /sessions/{id}/thumbnails.vtt`: the WebVTT track of a recording's thumbnail sheets
/// (the same file as `/<id>/thumbnails.vtt`). Rewritten while the session records, so it is
/// revalidated rather than cached.
struct ThumbnailTrackController<Context: RequestContext>: Sendable {
    static var fileName: String { "thumbnails.vtt" }

    let manager: SessionManager
    let fileIO = FileIO()

    func addRoutes(to router: Router<Context>) {
        router.get("/sessions/{id}/thumbnails.vtt", use: serve)
        router.head("/sessions/{id}/thumbnails.vtt", use: serve)
    }

    @Sendable func serve(_ request: Request, context: Context) async throws -> Response {
        let id = try SessionController<Context>.sessionId(context)
        let path = manager.config.directory(for: id).appendingPathComponent(Self.fileName).path
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1 else {
            guard try await manager.session(id) != nil else { throw APIError(RecorderError.notFound(id)) }
            throw APIError(.notFound, code: "thumbnails_not_found",
                           "Session \(id) has no thumbnails yet: they appear with its first picture, unless media.thumbnail_interval_sec is 0.")
        }
        let headers: HTTPFields = [
            .contentType: "text/vtt", .cacheControl: "no-cache", .contentLength: String(info.st_size),
        ]
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
    }
}
