import Foundation

/// The detector saw the picture change: when, how much, and where.
public struct MotionEvent: Sendable, Equatable {
    /// A rectangle in picture coordinates normalised to 0–1 (x + w ≤ 1, y + h ≤ 1).
    public struct Box: Sendable, Equatable {
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

    /// Seconds into the recording (its playlist's media time).
    public var mediaSeconds: Double
    /// Wall time of that frame: the PROGRAM-DATE-TIME clock of its segment.
    public var date: Date
    /// The share of the picture that changed (0–1).
    public var score: Double
    /// Where it changed; nil when nothing could be placed.
    public var box: Box?

    public init(mediaSeconds: Double, date: Date, score: Double, box: Box?) {
        self.mediaSeconds = mediaSeconds
        self.date = date
        self.score = score
        self.box = box
    }
}
