import Foundation
import Sessions

/// The detector saw the picture change: when, how much, and where.
public struct MotionEvent: Sendable, Equatable {
    /// Seconds into the recording (its playlist's media time).
    public var mediaSeconds: Double
    /// Wall time of that frame: the PROGRAM-DATE-TIME clock of its segment.
    public var date: Date
    /// The share of the picture that changed (0–1).
    public var score: Double
    /// Where it changed; nil when nothing could be placed.
    public var box: BoundingBox?

    public init(mediaSeconds: Double, date: Date, score: Double, box: BoundingBox?) {
        self.mediaSeconds = mediaSeconds
        self.date = date
        self.score = score
        self.box = box
    }
}
