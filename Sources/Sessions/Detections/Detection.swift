import Foundation

/// One thing a detector saw in a recording at one moment: a row of the `detections` table and the
/// contract's detection JSON (§11).
public struct Detection: Sendable, Equatable {
    /// The client's id when it gave one, else one the server made; unique within the session.
    public var id: String
    public var sessionId: String
    /// The session's device, copied at insert so device searches need no join.
    public var deviceId: String
    /// When it was seen, at millisecond precision (what the store keeps).
    public var ts: Date
    /// Media time into the session (`MediaClock`), from the segments' PROGRAM-DATE-TIME.
    public var offsetSec: Double
    public var label: String
    public var confidence: Double
    public var bbox: BoundingBox?
    /// A JSON object as text (what the `attributes` jsonb column holds).
    public var attributesJSON: String

    public init(
        id: String, sessionId: String, deviceId: String, ts: Date, offsetSec: Double, label: String, confidence: Double,
        bbox: BoundingBox? = nil, attributesJSON: String = "{}"
    ) {
        self.id = id
        self.sessionId = sessionId
        self.deviceId = deviceId
        self.ts = ts
        self.offsetSec = offsetSec
        self.label = label
        self.confidence = confidence
        self.bbox = bbox
        self.attributesJSON = attributesJSON
    }

    /// The cursor position of this row in either search order.
    public var cursor: DetectionCursor { DetectionCursor(tsMs: ts.epochMilliseconds, sessionId: sessionId, id: id) }
}

/// Where in the picture, as fractions of its width and height (0–1, `x + w ≤ 1`, `y + h ≤ 1`).
public struct BoundingBox: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double

    public init(x: Double, y: Double, w: Double, h: Double) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }
}
