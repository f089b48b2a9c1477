import Foundation

/// Converts between wall time (`ts`) and media time into a session (`offset_sec`) through the
/// session's segments: each segment's PROGRAM-DATE-TIME places it in wall time, and the durations
/// of the segments before it place it in media time. Gaps between segments (a publisher that came
/// back) take no media time. Without segments the session's first frame is offset 0.
public struct MediaClock: Sendable {
    private struct Piece {
        let wallStart: Double
        let mediaStart: Double
        let duration: Double
    }

    private var pieces: [Piece] = []
    private let origin: Double
    private var mediaEnd = 0.0
    /// The highest `seq` placed, and how many segments: what `extend` continues from.
    public private(set) var lastSeq: Int?
    public var segmentCount: Int { pieces.count }

    /// `segments` in any order; `sessionStart` is used only when there are none.
    public init(segments: [Segment], sessionStart: Date) {
        origin = sessionStart.timeIntervalSince1970
        extend(with: segments)
    }

    /// Adds segments that come after every one already placed (a session that records on).
    public mutating func extend(with later: [Segment]) {
        for segment in later.sorted(by: { $0.seq < $1.seq }) {
            precondition(lastSeq.map { segment.seq > $0 } ?? true, "MediaClock.extend: segments must come after seq \(lastSeq ?? -1)")
            pieces.append(Piece(wallStart: segment.startsAt.timeIntervalSince1970, mediaStart: mediaEnd, duration: segment.durationSec))
            mediaEnd += segment.durationSec
            lastSeq = segment.seq
        }
    }

    /// Media seconds at wall time `ts`: inside a segment, its media start plus the way in; in a gap,
    /// the end of the segment before; before the first or after the last, extrapolated from it.
    public func offset(at ts: Date) -> Double {
        let wall = ts.timeIntervalSince1970
        guard let first = pieces.first else { return wall - origin }
        guard let index = lastIndex(where: { $0.wallStart <= wall }) else { return wall - first.wallStart }
        let piece = pieces[index]
        let into = wall - piece.wallStart
        return piece.mediaStart + (index == pieces.count - 1 ? into : min(into, piece.duration))
    }

    /// Wall time at media second `offset`, the inverse of `offset(at:)` inside segments.
    public func ts(atOffset offset: Double) -> Date {
        guard let first = pieces.first else { return Date(timeIntervalSince1970: origin + offset) }
        guard let index = lastIndex(where: { $0.mediaStart <= offset }) else {
            return Date(timeIntervalSince1970: first.wallStart + offset)
        }
        let piece = pieces[index]
        return Date(timeIntervalSince1970: piece.wallStart + (offset - piece.mediaStart))
    }

    /// Binary search for the last piece satisfying a predicate that holds for a prefix of `pieces`
    /// (segments are in seq order, so both their wall and media starts grow).
    private func lastIndex(where holds: (Piece) -> Bool) -> Int? {
        var low = 0
        var high = pieces.count
        while low < high {
            let mid = (low + high) / 2
            if holds(pieces[mid]) { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : low - 1
    }
}
