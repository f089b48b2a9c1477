import Foundation
import Sessions

/// The contract's session JSON: snake_case names, explicit nulls, ISO 8601 times with milliseconds.
struct SessionJSON: Encodable {
    let session: Session

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id", deviceId = "device_id", streamPath = "stream_path", status, source, device
        case edgeStartTs = "edge_start_ts", edgeEndTs = "edge_end_ts", playlistUrl = "playlist_url"
        case durationSec = "duration_sec", postRollSec = "post_roll_sec", width, height, fps
        case mediaDurationSec = "media_duration_sec", segmentCount = "segment_count", bytes, error, node
        case sourceUrl = "source_url", videoCodec = "video_codec", audioCodec = "audio_codec", transcoded, reconnects
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(session.sessionId, forKey: .sessionId)
        try c.encode(session.deviceId, forKey: .deviceId)
        try c.encode(session.streamPath, forKey: .streamPath)
        try c.encode(session.status.rawValue, forKey: .status)
        try c.encode(session.source, forKey: .source)
        try c.encode(session.device, forKey: .device)
        try c.encode(session.edgeStartTs, forKey: .edgeStartTs)
        try c.encode(session.edgeEndTs, forKey: .edgeEndTs)
        try c.encode(session.playlistUrl, forKey: .playlistUrl)
        try c.encode(session.durationSec, forKey: .durationSec)
        try c.encode(session.postRollSec, forKey: .postRollSec)
        try c.encode(session.width, forKey: .width)
        try c.encode(session.height, forKey: .height)
        try c.encode(session.fps, forKey: .fps)
        try c.encode((session.mediaDurationSec * 1000).rounded() / 1000, forKey: .mediaDurationSec)
        try c.encode(session.segmentCount, forKey: .segmentCount)
        try c.encode(session.bytes, forKey: .bytes)
        try c.encode(session.error, forKey: .error)
        try c.encode(session.node, forKey: .node)
        try c.encode(session.sourceUrl, forKey: .sourceUrl)
        try c.encode(session.videoCodec, forKey: .videoCodec)
        try c.encode(session.audioCodec, forKey: .audioCodec)
        try c.encode(session.transcoded, forKey: .transcoded)
        try c.encode(session.reconnects, forKey: .reconnects)
        try c.encode(session.createdAt.iso8601Milliseconds, forKey: .createdAt)
        try c.encode(session.updatedAt.iso8601Milliseconds, forKey: .updatedAt)
    }
}

struct SessionListJSON: Encodable {
    let sessions: [SessionJSON]
    /// The cursor for the next page (`before=`), null on the last page.
    let nextBefore: String?

    enum CodingKeys: String, CodingKey { case sessions, nextBefore = "next_before" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(nextBefore, forKey: .nextBefore)
    }
}
