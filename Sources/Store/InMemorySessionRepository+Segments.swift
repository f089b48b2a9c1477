import Foundation
import Sessions

/// The segment index in memory, with the SQL's semantics: rows of a session without a row are
/// dropped, `device_id` comes from the session, deleting a session deletes its rows.
extension InMemorySessionRepository: SegmentRepository {
    public func upsertSegments(_ segments: [Segment]) throws {
        for segment in segments {
            try rejectSegmentNUL([segment.sessionId, segment.uri], statement: "upsert_segments")
            guard try get(segment.sessionId) != nil else { continue }
            segmentRows[segment.sessionId, default: [:]][segment.seq] = segment.truncatedToMilliseconds
        }
    }

    public func deleteSegments(sessionId: String, seqs: [Int]) throws {
        try rejectSegmentNUL([sessionId], statement: "delete_segments")
        for seq in seqs { segmentRows[sessionId]?[seq] = nil }
    }

    public func segments(sessionId: String) throws -> [Segment] {
        try rejectSegmentNUL([sessionId], statement: "segments_by_session")
        return (segmentRows[sessionId] ?? [:]).values.sorted { $0.seq < $1.seq }
    }

    public func deviceSegments(deviceId: String, from: Date, to: Date) throws -> [Segment] {
        try rejectSegmentNUL([deviceId], statement: "segments_by_device")
        let sessionIds = try sessionIds(deviceId: deviceId)
        let fromMs = from.epochMilliseconds
        let toMs = to.epochMilliseconds
        return sessionIds.flatMap { (segmentRows[$0] ?? [:]).values }
            .filter { segment in
                let start = segment.startsAt.epochMilliseconds
                return start < toMs && Double(start) + segment.durationSec * 1000 > Double(fromMs)
            }
            .sorted { lhs, rhs in
                lhs.startsAt != rhs.startsAt ? lhs.startsAt < rhs.startsAt
                    : lhs.sessionId != rhs.sessionId ? lhs.sessionId < rhs.sessionId : lhs.seq < rhs.seq
            }
    }

    public func deviceSpans(deviceId: String, from: Date, to: Date) throws -> [DeviceTimeline.Span] {
        try rejectSegmentNUL([deviceId], statement: "spans_by_device")
        let rows = try sessionIds(deviceId: deviceId).flatMap { (segmentRows[$0] ?? [:]).values }
        return DeviceTimeline.pieces(rows).filter { $0.end > from && $0.start < to }
    }

    public func devices() throws -> [DeviceSummary] {
        let all = try list(SessionQuery(limit: Int.max))
        return Dictionary(grouping: all, by: \.deviceId)
            .map { DeviceSummary.of(deviceId: $0.key, sessions: $0.value) }
            .sorted { Array($0.deviceId.utf8).lexicographicallyPrecedes(Array($1.deviceId.utf8)) }
    }


    private func sessionIds(deviceId: String) throws -> [String] {
        try list(SessionQuery(limit: Int.max)).filter { $0.deviceId == deviceId }.map(\.sessionId)
    }

    private func rejectSegmentNUL(_ values: [String], statement: String) throws(StoreError) {
        if let index = values.firstIndex(where: { $0.utf8.contains(0) }) {
            throw .invalidParameter(index: index, statement: statement)
        }
    }
}
