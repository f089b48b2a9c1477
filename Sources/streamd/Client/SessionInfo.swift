import Foundation

/// The session JSON as a client reads it: every field but the id and status optional, so a newer or
/// older server still decodes.
struct SessionInfo: Decodable, Sendable {
    let sessionId: String
    let status: String
    let deviceId: String?
    let streamPath: String?
    let source: String?
    let device: String?
    let edgeStartTs: Int64?
    let edgeEndTs: Int64?
    let playlistUrl: String?
    let durationSec: Double?
    let postRollSec: Double?
    let width: Int?
    let height: Int?
    let fps: Int?
    let mediaDurationSec: Double?
    let segmentCount: Int?
    let bytes: Int64?
    let error: String?
    /// The node that records (or recorded) it and serves its files (§12).
    let node: String?
    let createdAt: String?
    let updatedAt: String?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id", status, deviceId = "device_id", streamPath = "stream_path", source, device
        case edgeStartTs = "edge_start_ts", edgeEndTs = "edge_end_ts", playlistUrl = "playlist_url"
        case durationSec = "duration_sec", postRollSec = "post_roll_sec", width, height, fps
        case mediaDurationSec = "media_duration_sec", segmentCount = "segment_count", bytes, error, node
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// completed, failed and interrupted are final; starting and recording are not.
    var hasEnded: Bool { ["completed", "failed", "interrupted"].contains(status) }

    /// The media the session will have when it ends by itself, when it has a duration.
    var plannedSeconds: Double? { durationSec.map { $0 + (postRollSec ?? 0) } }
}

/// `GET /sessions`.
struct SessionPage: Decodable, Sendable {
    let sessions: [SessionInfo]
    let nextBefore: String?

    enum CodingKeys: String, CodingKey { case sessions, nextBefore = "next_before" }
}

/// `GET /nodes`.
struct NodePage: Decodable, Sendable {
    struct Node: Decodable, Sendable {
        let nodeId: String
        let publicURL: String
        let version: String?
        let startedAt: String?
        let lastSeenAt: String?
        let alive: Bool

        enum CodingKeys: String, CodingKey {
            case nodeId = "node_id", publicURL = "public_url", version, startedAt = "started_at", lastSeenAt = "last_seen_at", alive
        }
    }

    let nodes: [Node]
}
