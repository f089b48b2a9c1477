import Foundation

/// One closed segment of a recording, as the segment index (table `segments`) holds it.
public struct Segment: Sendable, Equatable {
    public var sessionId: String
    /// Position in the session's playlist (its media sequence number): unique within the session.
    public var seq: Int
    /// The file name inside the session's directory, as the playlist lists it.
    public var uri: String
    /// The segment's `#EXT-X-PROGRAM-DATE-TIME`.
    public var startsAt: Date
    public var durationSec: Double
    public var bytes: Int64
    /// The playlist has `#EXT-X-DISCONTINUITY` before this segment.
    public var discontinuity: Bool

    public init(
        sessionId: String, seq: Int, uri: String, startsAt: Date, durationSec: Double, bytes: Int64, discontinuity: Bool
    ) {
        self.sessionId = sessionId
        self.seq = seq
        self.uri = uri
        self.startsAt = startsAt
        self.durationSec = durationSec
        self.bytes = bytes
        self.discontinuity = discontinuity
    }

    public var endsAt: Date { startsAt.addingTimeInterval(durationSec) }

    /// This segment as the store returns it: `starts_at` at millisecond precision.
    public var truncatedToMilliseconds: Segment {
        var copy = self
        copy.startsAt = Date(epochMilliseconds: startsAt.epochMilliseconds)
        return copy
    }
}
