import Foundation
import Hummingbird
import Recorder
import Sessions

/// `GET /devices/{deviceId}/index.m3u8?from=&to=`: a device's recordings in a window as one playlist.
struct DevicePlaylistController<Context: RequestContext>: Sendable {
    let manager: SessionManager
    /// Other nodes' segments get absolute URIs on their owner's `public_url` (§12); nil: one node.
    var fleet: FleetDirectory? = nil

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
        let bases = await ownerBases(of: segments)
        var body = DevicePlaylist(segments: segments, ended: !mayGrow, baseURLs: bases).text
        if let token = request.uri.queryParameters.get("token"), !token.isEmpty {
            body = PlaylistTokens.append(token: token, to: body)  // players that cannot send headers
        }
        return Response(
            status: .ok,
            headers: [.contentType: RecordingLayout.playlistMediaType, .cacheControl: mayGrow ? "private, no-cache" : "private, max-age=60"],
            body: .init(byteBuffer: ByteBuffer(string: request.method == .head ? "" : body)))
    }

    /// The owner's `public_url` of each session in the playlist that another node owns. Sessions whose
    /// files are on this disk are this node's: asked of nobody. The others' owners come in one query.
    private func ownerBases(of segments: [Segment]) async -> [String: String] {
        guard let fleet else { return [:] }
        var elsewhere: [String] = []
        var seen = Set<String>()
        for segment in segments where seen.insert(segment.sessionId).inserted {
            let here = await manager.isHere(segment.sessionId)
            if !here { elsewhere.append(segment.sessionId) }
        }
        guard !elsewhere.isEmpty else { return [:] }
        let owners: [String: String]
        do {
            owners = try await fleet.repository.owners(of: elsewhere)
        } catch {
            return [:]  // relative URIs: still right for this node's segments
        }
        var bases: [String: String] = [:]
        for (sessionId, node) in owners where node != fleet.nodeId {
            if let base = await fleet.publicURL(of: node) { bases[sessionId] = base }
        }
        return bases
    }
}
