import Foundation
import Sessions

/// `GET /sessions/{id}/segments`.
struct SegmentListJSON: Encodable {
    struct Item: Encodable {
        let seq: Int
        let uri: String
        let startsAt: String
        let durationSec: Double
        let bytes: Int64
        let discontinuity: Bool

        enum CodingKeys: String, CodingKey {
            case seq, uri, startsAt = "starts_at", durationSec = "duration_sec", bytes, discontinuity
        }

        init(_ segment: Segment) {
            seq = segment.seq
            uri = segment.uri
            startsAt = segment.startsAt.iso8601Milliseconds
            durationSec = (segment.durationSec * 1_000_000).rounded() / 1_000_000
            bytes = segment.bytes
            discontinuity = segment.discontinuity
        }
    }

    let segments: [Item]
}

/// `GET /devices`.
struct DeviceListJSON: Encodable {
    struct Item: Encodable {
        let device: DeviceSummary

        enum CodingKeys: String, CodingKey {
            case deviceId = "device_id", sessions, recording, firstAt = "first_at", lastAt = "last_at"
            case mediaSec = "media_sec", bytes
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(device.deviceId, forKey: .deviceId)
            try c.encode(device.sessions, forKey: .sessions)
            try c.encode(device.recording, forKey: .recording)
            try c.encode(device.firstAt.map { Date(epochMilliseconds: $0).iso8601Milliseconds }, forKey: .firstAt)
            try c.encode(device.lastAt.map { Date(epochMilliseconds: $0).iso8601Milliseconds }, forKey: .lastAt)
            try c.encode((device.mediaSec * 1000).rounded() / 1000, forKey: .mediaSec)
            try c.encode(device.bytes, forKey: .bytes)
        }
    }

    let devices: [Item]
}

/// `GET /devices/{deviceId}/timeline`.
struct TimelineJSON: Encodable {
    struct Span: Encodable {
        let start: String
        let end: String
        let sessionId: String

        enum CodingKeys: String, CodingKey { case start, end, sessionId = "session_id" }
    }

    /// The window's first detections of the device (§10), oldest first; at most `maxDetections`.
    struct Detection: Encodable {
        let ts: String
        let label: String
        let confidence: Double
        let sessionId: String

        enum CodingKeys: String, CodingKey { case ts, label, confidence, sessionId = "session_id" }
    }

    /// A timeline draws markers, not a list: a window with more detections shows its first ones
    /// (`GET /detections` pages through them all).
    static let maxDetections = 1000

    let deviceId: String
    let from: String
    let to: String
    let spans: [Span]
    let detections: [Detection]

    enum CodingKeys: String, CodingKey { case deviceId = "device_id", from, to, spans, detections }

    init(deviceId: String, window: ArchiveWindow, spans: [DeviceTimeline.Span], detections: [Sessions.Detection] = []) {
        self.deviceId = deviceId
        from = window.from.iso8601Milliseconds
        to = window.to.iso8601Milliseconds
        self.spans = spans.map {
            Span(start: $0.start.iso8601Milliseconds, end: $0.end.iso8601Milliseconds, sessionId: $0.sessionId)
        }
        self.detections = detections.map {
            Detection(ts: $0.ts.iso8601Milliseconds, label: $0.label, confidence: $0.confidence, sessionId: $0.sessionId)
        }
    }
}
