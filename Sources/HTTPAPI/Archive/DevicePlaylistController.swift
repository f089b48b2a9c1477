import Foundation
import Hummingbird
import Recorder
import Sessions

/// `GET /devices/{deviceId}/index.m3u8?from=&to=`: a device's recordings in a window as one playlist.
struct DevicePlaylistController<Context: RequestContext>: Sendable {
    let manager: SessionManager

    func addRoutes(to router: Router<Context>) {
        router.get("/devices/{deviceId}/index.m3u8", use: playlist)
        router.head("/devices/{deviceId}/index.m3u8", use: playlist)
    }

    @Sendable func playlist(_ request: Request, context: Context) async throws -> Response {
        let deviceId = try ArchiveController<Context>.deviceId(context)
        let now = Date()
        let window = try ArchiveWindow.parse(request.uri.queryParameters, now: now)
        let segments = DeviceTimeline.followed(try await manager.deviceSegments(deviceId, from: window.from, to: window.to))
        // Live only while the window reaches now and the device records: otherwise nothing more
        // will be added, and players may treat it as VOD.
        let mayGrow = (window.openEnded || window.to > now) ? try await manager.isDeviceRecording(deviceId) : false
        var body = DevicePlaylist(segments: segments, ended: !mayGrow).text
        if let token = request.uri.queryParameters.get("token"), !token.isEmpty {
            body = PlaylistTokens.append(token: token, to: body)  // players that cannot send headers
        }
        return Response(
            status: .ok,
            headers: [.contentType: RecordingLayout.playlistMediaType, .cacheControl: mayGrow ? "private, no-cache" : "private, max-age=60"],
            body: .init(byteBuffer: ByteBuffer(string: request.method == .head ? "" : body)))
    }
}
