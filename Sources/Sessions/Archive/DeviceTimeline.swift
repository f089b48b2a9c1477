import Foundation

/// What one device recorded in a window, across its sessions: the segments a player follows and
/// the spans a timeline draws. Pure functions over index rows, so both are tested without storage.
public enum DeviceTimeline {
    /// Segments closer than this count as touching (timestamps are rounded to milliseconds and
    /// EXTINF to microseconds; a real gap is a lost connection or a stopped recording).
    public static let touchingGapSec = 0.5
    /// A later session's segment may overlap a followed one by this much and still be kept.
    static let overlapToleranceSec = 0.25
    /// A stored piece of a span grows to at most this long (plus one segment), so a window query
    /// bounds its index scan at `from` minus this.
    public static let longestPieceSec = 3600

    /// A recorded interval of one session.
    public struct Span: Sendable, Equatable {
        public var start: Date
        public var end: Date
        public var sessionId: String

        public init(start: Date, end: Date, sessionId: String) {
            self.start = start
            self.end = end
            self.sessionId = sessionId
        }
    }

    /// The segments to play in time order. Where sessions overlap in time, the one that started
    /// first is followed and the overlapping segments of the others are left out.
    public static func followed(_ segments: [Segment]) -> [Segment] {
        let bySession = Dictionary(grouping: segments, by: \.sessionId)
        let sessionOrder = bySession.keys.sorted { lhs, rhs in
            let a = bySession[lhs]?.map(\.startsAt).min() ?? .distantFuture
            let b = bySession[rhs]?.map(\.startsAt).min() ?? .distantFuture
            return a == b ? lhs < rhs : a < b
        }
        // Intervals of the sessions already taken, sorted by start and not overlapping each other.
        var taken: [(start: Double, end: Double)] = []
        var kept: [Segment] = []
        for sessionId in sessionOrder {
            var accepted: [(start: Double, end: Double)] = []
            for segment in (bySession[sessionId] ?? []).sorted(by: { $0.seq < $1.seq }) {
                let start = segment.startsAt.timeIntervalSince1970
                let end = start + segment.durationSec
                if overlaps(taken, start: start + overlapToleranceSec, end: end - overlapToleranceSec) { continue }
                accepted.append((start, end))
                kept.append(segment)
            }
            taken = (taken + accepted).sorted { $0.start < $1.start }
        }
        return kept.sorted { lhs, rhs in
            lhs.startsAt != rhs.startsAt ? lhs.startsAt < rhs.startsAt
                : lhs.sessionId != rhs.sessionId ? lhs.sessionId < rhs.sessionId : lhs.seq < rhs.seq
        }
    }

    /// The recorded intervals of `followed` segments, merged where they touch within one session.
    public static func spans(_ segments: [Segment]) -> [Span] {
        merged(followed(segments))
    }

    /// Segments in time order merged into spans while consecutive ones belong to one session and
    /// touch: what `deviceSpans` returns (the SQL computes the same in the database).
    public static func islands(_ segments: [Segment]) -> [Span] {
        merged(segments.sorted { $0.startsAt != $1.startsAt ? $0.startsAt < $1.startsAt : $0.sessionId < $1.sessionId })
    }

    /// Segments already in order, one span per run of consecutive segments of one session that touch.
    private static func merged(_ ordered: some Sequence<Segment>) -> [Span] {
        var spans: [Span] = []
        for segment in ordered {
            if var last = spans.last, last.sessionId == segment.sessionId,
               segment.startsAt.timeIntervalSince(last.end) <= touchingGapSec {
                last.end = max(last.end, segment.endsAt)
                spans[spans.count - 1] = last
            } else {
                spans.append(Span(start: segment.startsAt, end: segment.endsAt, sessionId: segment.sessionId))
            }
        }
        return spans
    }

    /// What the index keeps per session (table `segment_spans`): its segments in time order, a
    /// piece extended while the next segment touches it (within `touchingGapSec`) and it is shorter
    /// than `longestPieceSec`. Pieces of one session touch where a long span was cut; `resolved`
    /// merges them again. Sorted by start, then session.
    public static func pieces(_ segments: [Segment]) -> [Span] {
        var pieces: [Span] = []
        for (sessionId, rows) in Dictionary(grouping: segments, by: \.sessionId) {
            var current: Span?
            for segment in rows.sorted(by: { $0.startsAt != $1.startsAt ? $0.startsAt < $1.startsAt : $0.seq < $1.seq }) {
                if var piece = current, segment.startsAt.timeIntervalSince(piece.end) <= touchingGapSec,
                   piece.end.timeIntervalSince(piece.start) < Double(longestPieceSec) {
                    piece.end = max(piece.end, segment.endsAt)
                    current = piece
                } else {
                    if let piece = current { pieces.append(piece) }
                    current = Span(start: segment.startsAt, end: segment.endsAt, sessionId: sessionId)
                }
            }
            if let piece = current { pieces.append(piece) }
        }
        return pieces.sorted { $0.start != $1.start ? $0.start < $1.start : $0.sessionId < $1.sessionId }
    }

    /// Spans as a timeline draws them: where sessions overlap, the one that started first keeps
    /// the time and the others are cut around it; then clipped to [from, to] and merged again
    /// where one session's pieces touch.
    public static func resolved(_ spans: [Span], from: Date, to: Date) -> [Span] {
        var firstStart: [String: Date] = [:]
        for span in spans { firstStart[span.sessionId] = min(firstStart[span.sessionId] ?? span.start, span.start) }
        let ordered = spans.sorted { lhs, rhs in
            let a = firstStart[lhs.sessionId] ?? lhs.start, b = firstStart[rhs.sessionId] ?? rhs.start
            return a != b ? a < b : lhs.sessionId != rhs.sessionId ? lhs.sessionId < rhs.sessionId : lhs.start < rhs.start
        }
        var kept: [Span] = []
        var covered: [Span] = []  // spans of sessions that started earlier
        var currentSession: String?
        var currentPieces: [Span] = []
        for span in ordered {
            if span.sessionId != currentSession {
                covered += currentPieces
                currentPieces = []
                currentSession = span.sessionId
            }
            var pieces = [Span(start: max(span.start, from), end: min(span.end, to), sessionId: span.sessionId)]
            var cut = false
            for cover in covered where cover.end > span.start && cover.start < span.end {
                cut = true
                pieces = pieces.flatMap { piece -> [Span] in
                    guard cover.end > piece.start, cover.start < piece.end else { return [piece] }
                    var parts: [Span] = []
                    if cover.start > piece.start { parts.append(Span(start: piece.start, end: cover.start, sessionId: piece.sessionId)) }
                    if cover.end < piece.end { parts.append(Span(start: cover.end, end: piece.end, sessionId: piece.sessionId)) }
                    return parts
                }
            }
            // Slivers left by rounding between two sessions' segments are not recordings of their own.
            let real = pieces.filter { $0.end > $0.start && (!cut || $0.end.timeIntervalSince($0.start) > overlapToleranceSec) }
            currentPieces += real
            kept += real
        }
        var merged: [Span] = []
        for span in kept.sorted(by: { $0.start < $1.start }) where span.end > span.start {
            if var last = merged.last, last.sessionId == span.sessionId, span.start.timeIntervalSince(last.end) <= touchingGapSec {
                last.end = max(last.end, span.end)
                merged[merged.count - 1] = last
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// True when a segment of the followed sequence needs `#EXT-X-DISCONTINUITY` before it: another
    /// session, a gap, or a discontinuity the session's own playlist has.
    public static func startsDiscontinuity(_ segment: Segment, after previous: Segment?) -> Bool {
        guard let previous else { return false }
        return segment.sessionId != previous.sessionId || segment.discontinuity
            || abs(segment.startsAt.timeIntervalSince(previous.endsAt)) > touchingGapSec
    }

    /// Binary search in sorted, disjoint intervals for one that overlaps [start, end).
    private static func overlaps(_ intervals: [(start: Double, end: Double)], start: Double, end: Double) -> Bool {
        guard end > start else { return false }
        var low = 0
        var high = intervals.count
        // First interval whose end is after `start`.
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].end <= start { low = mid + 1 } else { high = mid }
        }
        return low < intervals.count && intervals[low].start < end
    }
}
