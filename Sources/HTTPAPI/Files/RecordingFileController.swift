import Foundation
import Sessions
import Hummingbird
import Recorder

/// `GET|HEAD /{sessionId}/{file}`: playlists, segments and posters, the URL shape MediaMTX used.
/// Only plain files directly inside `recordings/<id>/` with a known extension are ever served.
struct RecordingFileController<Context: RequestContext>: Sendable {
    let recordingsDirectory: URL
    let fileIO = FileIO()
    let files = RecordingFileCache()
    /// The recordings directory with symlinks resolved once (nil until it exists, then resolved per request):
    /// every served file's real path must be under it.
    let realRoot: String?
    /// Behind a read token: shared caches must not keep what only token holders may see.
    let isPrivate: Bool

    init(recordingsDirectory: URL, isPrivate: Bool = false) {
        self.recordingsDirectory = recordingsDirectory
        self.isPrivate = isPrivate
        realRoot = Self.realPath(recordingsDirectory.path)
    }

    private var cacheScope: String { isPrivate ? "private" : "public" }

    func addRoutes(to router: Router<Context>) {
        router.get("/{sessionId}/{file}", use: serve)
        router.head("/{sessionId}/{file}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: Context) async throws -> Response {
        let file = try resolve(context)
        let isHead = request.method == .head
        var headers: HTTPFields = [.contentType: file.mediaType, .acceptRanges: "bytes"]

        if file.isPlaylist {
            // Small and rewritten while live: read it whole, so the caching decision matches the bytes sent.
            var playlist = try await readPlaylist(file)
            let ended = playlist.contains("#EXT-X-ENDLIST")
            headers[.cacheControl] = ended ? "\(cacheScope), max-age=86400" : "\(isPrivate ? "private, " : "")no-cache"
            if !ended {
                // live.m3u8 is the sliding window of the live recording; once ended, the whole recording.
                playlist = file.isLiveWindow ? LivePlaylist.slidingWindow(playlist) : LivePlaylist.startNearLiveEdge(playlist)
            }
            if let token = request.uri.queryParameters.get("token"), !token.isEmpty {
                playlist = PlaylistTokens.append(token: token, to: playlist)
            }
            return respond(bytes: Array(playlist.utf8), range: request.headers[.range], headers: headers, isHead: isHead)
        }

        // Thumbnail sheets and their track are rewritten while the session records.
        headers[.cacheControl] = file.isRewritten ? "\(isPrivate ? "private, " : "")no-cache" : "\(cacheScope), max-age=31536000, immutable"
        let size = file.size
        switch ByteRange(header: request.headers[.range], size: size) {
        case .unsatisfiable:
            throw APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", "The requested range is outside the file (\(size) bytes).",
                           headers: [.contentRange: "bytes */\(size)"])
        case .whole:
            headers[.contentLength] = String(size)
            if isHead || size == 0 { return Response(status: .ok, headers: headers) }
            if files.accepts(size: size) {
                let bytes = try await files.bytes(path: file.path, modified: file.modified, size: size)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
            }
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: file.path, context: context))
        case .partial(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            if isHead { return Response(status: .partialContent, headers: headers) }
            if files.accepts(size: size) {
                let bytes = try await files.bytes(path: file.path, modified: file.modified, size: size)
                if let slice = bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count) {
                    return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: slice))
                }
            }
            return Response(status: .partialContent, headers: headers,
                            body: try await fileIO.loadFile(path: file.path, range: range, context: context))
        }
    }

    private func respond(bytes: [UInt8], range: String?, headers: HTTPFields, isHead: Bool) -> Response {
        var headers = headers
        switch ByteRange(header: range, size: bytes.count) {
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

    private func readPlaylist(_ file: ResolvedFile) async throws -> String {
        do {
            return String(buffer: try await files.bytes(path: file.path, modified: file.modified, size: file.size))
        } catch {
            throw APIError(.notFound, code: "not_found", "The playlist is not available.")
        }
    }

    struct ResolvedFile {
        var path: String
        var mediaType: String
        var size: Int
        var modified: timespec
        var isPlaylist: Bool
        /// Asked for as `live.m3u8`: served from `index.m3u8` as a sliding window.
        var isLiveWindow = false

        /// `thumbnails-<n>.jpg` and `thumbnails.vtt` change while the session records.
        var isRewritten: Bool { URL(fileURLWithPath: path).lastPathComponent.hasPrefix("thumbnails") }
    }

    /// Names are checked before touching the disk; the file must then be a regular file (not a symlink)
    /// with one link (a hard link placed in the directory could name any file of the volume) whose real
    /// path is inside the recordings directory.
    func resolve(_ context: Context) throws(APIError) -> ResolvedFile {
        let notFound = APIError(.notFound, code: "not_found", "No such recording file.")
        guard let sessionId = context.parameters.get("sessionId"), let requested = context.parameters.get("file"),
              SessionID.isValid(sessionId) || sessionId.isSafeFileName,
              requested.isSafeFileName,
              let ext = requested.split(separator: ".").last.map(String.init), let mediaType = RecordingLayout.mediaTypesByExtension[ext]
        else { throw notFound }
        let isLiveWindow = requested == RecordingLayout.livePlaylistFileName
        let name = isLiveWindow ? RecordingLayout.playlistFileName : requested
        let directory = recordingsDirectory.appendingPathComponent(sessionId, isDirectory: true)
        let path = directory.appendingPathComponent(name).path
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1,
              let real = Self.realPath(path), let root = realRoot ?? Self.realPath(recordingsDirectory.path),
              real == "\(root)/\(sessionId)/\(name)"
        else { throw notFound }
        return ResolvedFile(path: real, mediaType: mediaType, size: Int(info.st_size), modified: info.st_mtim, isPlaylist: ext == "m3u8",
                            isLiveWindow: isLiveWindow)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension String {
    /// One path component of letters, digits, `_`, `-`, `.`; no leading dot; at most 128 bytes.
    var isSafeFileName: Bool {
        guard let first = utf8.first, first != UInt8(ascii: "."), utf8.count <= 128 else { return false }
        return utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
