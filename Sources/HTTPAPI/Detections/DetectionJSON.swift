import Foundation
import Sessions

/// The contract's detection JSON (§11): snake_case, explicit nulls, ISO 8601 times with milliseconds,
/// `attributes` as the stored object. `playback_url` is the device playlist from 5 s before to 10 s after.
struct DetectionJSON: Encodable {
    static let playbackLeadSec = 5.0
    static let playbackTailSec = 10.0

    let detection: Detection
    let publicURL: String

    enum CodingKeys: String, CodingKey {
        case id, sessionId = "session_id", deviceId = "device_id", ts, offsetSec = "offset_sec", label, confidence
        case bbox, attributes, playbackUrl = "playback_url"
    }

    struct Box: Encodable {
        let x, y, w, h: Double
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(detection.id, forKey: .id)
        try c.encode(detection.sessionId, forKey: .sessionId)
        try c.encode(detection.deviceId, forKey: .deviceId)
        try c.encode(detection.ts.iso8601Milliseconds, forKey: .ts)
        try c.encode((detection.offsetSec * 1000).rounded() / 1000, forKey: .offsetSec)
        try c.encode(detection.label, forKey: .label)
        try c.encode(detection.confidence, forKey: .confidence)
        try c.encode(detection.bbox.map { Box(x: $0.x, y: $0.y, w: $0.w, h: $0.h) }, forKey: .bbox)
        try c.encode(RawJSONObject(text: detection.attributesJSON), forKey: .attributes)
        try c.encode(Self.playbackURL(detection, publicURL: publicURL), forKey: .playbackUrl)
    }

    static func playbackURL(_ detection: Detection, publicURL: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%;")
        let device = detection.deviceId.addingPercentEncoding(withAllowedCharacters: allowed) ?? detection.deviceId
        let from = detection.ts.addingTimeInterval(-playbackLeadSec).iso8601Milliseconds
        let to = detection.ts.addingTimeInterval(playbackTailSec).iso8601Milliseconds
        return "\(publicURL)/devices/\(device)/index.m3u8?from=\(from)&to=\(to)"
    }
}

/// A stored JSON object re-emitted through `Encodable` (decoded once into Foundation values).
private struct RawJSONObject: Encodable {
    let text: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let parsed = (try? JSONValue.parse(Data(text.utf8))) ?? .object([:])
        try container.encode(EncodableJSON(parsed))
    }
}

/// `JSONValue` as `Encodable`.
struct EncodableJSON: Encodable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let bool):
            var c = encoder.singleValueContainer()
            try c.encode(bool)
        case .number(let number):
            var c = encoder.singleValueContainer()
            if number == number.rounded(), abs(number) < 1e15 { try c.encode(Int64(number)) } else { try c.encode(number) }
        case .string(let string):
            var c = encoder.singleValueContainer()
            try c.encode(string)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(EncodableJSON(item)) }
        case .object(let fields):
            var c = encoder.container(keyedBy: NamedKey.self)
            for (key, item) in fields { try c.encode(EncodableJSON(item), forKey: NamedKey(stringValue: key)) }
        }
    }
}

struct DetectionPageJSON: Encodable {
    let detections: [DetectionJSON]
    /// `next_after` or `next_before`, null on the last page.
    let cursorName: String
    let cursor: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NamedKey.self)
        try c.encode(detections, forKey: NamedKey(stringValue: "detections"))
        try c.encode(cursor, forKey: NamedKey(stringValue: cursorName))
    }
}

struct InsertedJSON: Encodable {
    let inserted: Int
}

/// A coding key by any name: JSON objects whose keys are data.
private struct NamedKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
