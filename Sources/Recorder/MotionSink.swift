import Foundation

/// Where the built-in motion detector's events go (`media.motion_detection`). The session manager
/// calls it off its own actor, once per event, and does not wait for it: a slow or failing sink
/// (a database outage) never holds up a recording's events.
public protocol MotionSink: Sendable {
    /// `bbox` is normalised to 0–1 (x + w ≤ 1, y + h ≤ 1); `score` is the share of the picture that changed.
    func motionDetected(sessionId: String, at: Date, score: Double, bbox: (x: Double, y: Double, w: Double, h: Double)?) async
}

/// Drops every event: the default until something stores them.
public struct DiscardingMotionSink: MotionSink {
    public init() {}
    public func motionDetected(sessionId: String, at: Date, score: Double, bbox: (x: Double, y: Double, w: Double, h: Double)?) async {}
}
