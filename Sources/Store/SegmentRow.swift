import Foundation
import Sessions

/// The SQL and the row mapping between `Segment` and the `segments` table. Times travel as epoch
/// milliseconds, as for sessions.
enum SegmentRow {
    /// Segments end at most this long after they start: the device window query scans the index
    /// from `from` minus this, so a segment that began before `from` and reaches into it is found.
    static let longestSegmentSec = 600

    static let columns = """
        session_id, seq, uri, (extract(epoch FROM starts_at) * 1000)::bigint AS starts_at_ms,
        duration_sec, bytes, discontinuity
        """

    /// One statement for a batch: arrays in, joined to `sessions` for `device_id` (a row of a
    /// session without a row is dropped, as after a DELETE that won the race).
    static let upsert = """
        INSERT INTO segments (session_id, seq, device_id, uri, starts_at, duration_sec, bytes, discontinuity)
        SELECT s.session_id, u.seq, s.device_id, u.uri,
               'epoch'::timestamptz + u.starts_ms * interval '1 millisecond', u.duration_sec, u.bytes, u.discontinuity
        FROM unnest($1::text[], $2::integer[], $3::text[], $4::bigint[], $5::double precision[], $6::bigint[], $7::boolean[])
             AS u (session_id, seq, uri, starts_ms, duration_sec, bytes, discontinuity)
        JOIN sessions s ON s.session_id = u.session_id
        ON CONFLICT (session_id, seq) DO UPDATE SET
            uri = EXCLUDED.uri, starts_at = EXCLUDED.starts_at, duration_sec = EXCLUDED.duration_sec,
            bytes = EXCLUDED.bytes, discontinuity = EXCLUDED.discontinuity
        """

    static let delete = "DELETE FROM segments WHERE session_id = $1 AND seq = ANY($2::integer[])"

    static let bySession = "SELECT \(columns) FROM segments WHERE session_id = $1 ORDER BY seq"
    static let bySessionAfterSeq = "SELECT \(columns) FROM segments WHERE session_id = $1 AND seq > $2::integer ORDER BY seq"
    static let countBySession = "SELECT count(*) AS n FROM segments WHERE session_id = $1"

    /// `$2`, `$3`: the window in epoch ms. The first two conditions bound the index range scan;
    /// the third keeps only segments that really reach into the window.
    static let byDevice = """
        SELECT \(columns) FROM segments
        WHERE device_id = $1
          AND starts_at >= 'epoch'::timestamptz + ($2::bigint - \(longestSegmentSec * 1000)) * interval '1 millisecond'
          AND starts_at < 'epoch'::timestamptz + $3::bigint * interval '1 millisecond'
          AND starts_at + duration_sec * interval '1 second' > 'epoch'::timestamptz + $2::bigint * interval '1 millisecond'
        ORDER BY starts_at, session_id, seq
        """

    /// The pieces of `segment_spans` (migration 6, kept by triggers as segments arrive) overlapping
    /// the window: a piece is at most an hour and one segment long, so the index scan starts that
    /// far before `from`, and a day of a device reads a few dozen rows.
    static let spansByDevice = """
        SELECT session_id, (extract(epoch FROM starts_at) * 1000)::bigint AS start_ms,
               extract(epoch FROM ends_at)::double precision AS end_sec
        FROM segment_spans
        WHERE device_id = $1
          AND starts_at >= 'epoch'::timestamptz + ($2::bigint - \(DeviceTimeline.longestPieceSec * 1000 + longestSegmentSec * 1000)) * interval '1 millisecond'
          AND starts_at < 'epoch'::timestamptz + $3::bigint * interval '1 millisecond'
          AND ends_at > 'epoch'::timestamptz + $2::bigint * interval '1 millisecond'
        ORDER BY starts_at, session_id
        """

    static let devices = """
        SELECT device_id, count(*) AS sessions,
               bool_or(status IN ('starting', 'recording')) AS recording,
               min(edge_start_ts) AS first_at, max(coalesce(edge_end_ts, edge_start_ts)) AS last_at,
               sum(media_duration_sec) AS media_sec, sum(bytes) AS bytes
        FROM sessions GROUP BY device_id ORDER BY device_id
        """

    static func parameters(_ segments: [Segment]) -> [String?] {
        [
            ArrayLiteral.of(segments, bytesEach: 24) { $0.append(quoting: $1.sessionId) },
            ArrayLiteral.of(segments) { $0.append(number: $1.seq) },
            ArrayLiteral.of(segments, bytesEach: 20) { $0.append(quoting: $1.uri) },
            ArrayLiteral.of(segments, bytesEach: 14) { $0.append(number: $1.startsAt.epochMilliseconds) },
            ArrayLiteral.of(segments) { $0.append(number: $1.durationSec) },
            ArrayLiteral.of(segments) { $0.append(number: $1.bytes) },
            ArrayLiteral.of(segments, bytesEach: 2) { $0.append(bool: $1.discontinuity) },
        ]
    }

    static func decodeAll(_ result: PGResult) throws(StoreError) -> [Segment] {
        var segments: [Segment] = []
        segments.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            segments.append(Segment(
                sessionId: try result.required(String.self, row: row, column: "session_id"),
                seq: try result.required(Int.self, row: row, column: "seq"),
                uri: try result.required(String.self, row: row, column: "uri"),
                startsAt: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "starts_at_ms")),
                durationSec: try result.required(Double.self, row: row, column: "duration_sec"),
                bytes: try result.required(Int64.self, row: row, column: "bytes"),
                discontinuity: try result.required(Bool.self, row: row, column: "discontinuity")))
        }
        return segments
    }

    static func decodeDevices(_ result: PGResult) throws(StoreError) -> [DeviceSummary] {
        var devices: [DeviceSummary] = []
        for row in 0..<result.rowCount {
            devices.append(DeviceSummary(
                deviceId: try result.required(String.self, row: row, column: "device_id"),
                sessions: try result.required(Int.self, row: row, column: "sessions"),
                recording: try result.required(Bool.self, row: row, column: "recording"),
                firstAt: try result.optional(Int64.self, row: row, column: "first_at"),
                lastAt: try result.optional(Int64.self, row: row, column: "last_at"),
                mediaSec: try result.optional(Double.self, row: row, column: "media_sec") ?? 0,
                bytes: try result.optional(Int64.self, row: row, column: "bytes") ?? 0))
        }
        return devices
    }
}
