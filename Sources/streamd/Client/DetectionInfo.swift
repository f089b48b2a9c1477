import Foundation

/// The detection JSON as a client reads it: optional fields, so other server versions still decode.
struct DetectionInfo: Decodable, Sendable {
    let id: String
    let sessionId: String
    let deviceId: String?
    let ts: String?
    let offsetSec: Double?
    let label: String
    let confidence: Double?
    let playbackUrl: String?

    enum CodingKeys: String, CodingKey {
        case id, sessionId = "session_id", deviceId = "device_id", ts, offsetSec = "offset_sec", label, confidence
        case playbackUrl = "playback_url"
    }
}

/// One page of `GET /detections` or `GET /sessions/{id}/detections`.
struct DetectionPage: Decodable, Sendable {
    let detections: [DetectionInfo]
    let nextBefore: String?
    let nextAfter: String?

    enum CodingKeys: String, CodingKey { case detections, nextBefore = "next_before", nextAfter = "next_after" }
}
