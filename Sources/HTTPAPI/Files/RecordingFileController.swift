import Hummingbird
import NIOCore

/// `GET|HEAD /{sessionId}/{file}`: playlists, segments and posters, the URL shape MediaMTX used.
/// Only plain files directly inside `recordings/<id>/` with a known extension are ever served (see
/// `RecordingFiles`). Most requests for cached files never get here: `RecordingFastPath` answers them
/// in front of the router with the same `FileAnswer`; this route does everything else (first reads,
/// revalidation, `?token=` playlists, blocking reloads, large files, errors).
struct RecordingFileController<Context: RequestContext>: Sendable {
    let files: RecordingFiles
    let fileIO = FileIO()

    func addRoutes(to router: Router<Context>) {
        router.get("/{sessionId}/{file}", use: serve)
        router.head("/{sessionId}/{file}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: Context) async throws -> Response {
        var file = try await resolve(context)
        if file.isLivePlaylist, let reload = try BlockingReload(request.uri.queryParameters) {
            file = try await reload.hold(file, until: { try await resolve(context) })
        }
        let isHead = request.method == .head
        if file.isPlaylist, let token = request.uri.queryParameters.get("token"), !token.isEmpty, let body = file.body {
            // Players that pass the token in the URL get it on every URI the playlist lists: a body of its own.
            return tokenPlaylist(file, body: body, token: token, request: request, isHead: isHead)
        }
        var headers = file.headers
        switch FileAnswer(file, headers: request.headers) {
        case .notModified:
            return Response(status: .notModified, headers: file.notModifiedHeaders)
        case .unsatisfiable:
            throw APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", "The requested range is outside the file (\(file.bodySize) bytes).",
                           headers: [.contentRange: "bytes */\(file.bodySize)"])
        case .whole:
            headers[.contentLength] = String(file.bodySize)
            if isHead || file.bodySize == 0 { return Response(status: .ok, headers: headers) }
            if let body = file.body { return Response(status: .ok, headers: headers, body: .init(byteBuffer: body)) }
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: file.realPath, context: context))
        case .partial(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.bodySize)"
            if isHead { return Response(status: .partialContent, headers: headers) }
            if let body = file.body, let slice = body.getSlice(at: body.readerIndex + range.lowerBound, length: range.count) {
                return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: slice))
            }
            return Response(status: .partialContent, headers: headers,
                            body: try await fileIO.loadFile(path: file.realPath, range: range, context: context))
        }
    }

    private func tokenPlaylist(_ file: ServedFile, body: ByteBuffer, token: String, request: Request, isHead: Bool) -> Response {
        let bytes = Array(PlaylistTokens.append(token: token, to: String(buffer: body)).utf8)
        var headers = file.headers
        headers[.eTag] = nil
        switch ByteRange(header: file.acceptsRanges ? request.headers[.range] : nil, size: bytes.count) {
        case .unsatisfiable:
            return APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", "The requested range is outside the file (\(bytes.count) bytes).",
                            headers: [.contentRange: "bytes */\(bytes.count)"]).response()
        case .whole:
            headers[.contentLength] = String(bytes.count)
            return Response(status: .ok, headers: headers, body: isHead ? .init() : .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .partial(let r):
            headers[.contentLength] = String(r.count)
            headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(bytes.count)"
            return Response(status: .partialContent, headers: headers,
                            body: isHead ? .init() : .init(byteBuffer: ByteBuffer(bytes: bytes[r])))
        }
    }

    /// Here, a recording file this node does not have is a 404 (the seam where a file owned by another
    /// node would be looked up instead).
    private func resolve(_ context: Context) async throws -> ServedFile {
        let notFound = APIError(.notFound, code: "not_found", "No such recording file.")
        guard let sessionId = context.parameters.get("sessionId"), let requested = context.parameters.get("file") else { throw notFound }
        let found: ServedFile?
        do {
            found = try await files.file(sessionId: sessionId, name: requested)
        } catch {
            // Gone between lstat and read (a delete, retention): as if it never was.
            throw notFound
        }
        guard let found else { throw notFound }
        return found
    }
}
