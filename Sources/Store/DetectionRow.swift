import Foundation
import Sessions

/// The SQL and the row mapping between `Detection` and the `detections` table. Times travel as
/// epoch milliseconds, as for sessions and segments.
enum DetectionRow {
    static let columns = """
        session_id, id, device_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, offset_sec, label, confidence,
        bbox_x, bbox_y, bbox_w, bbox_h, attributes::text AS attributes
        """

    /// One statement per batch: arrays in, in order (WITH ORDINALITY, so the first of two equal ids
    /// wins), `device_id` from the session row (a session without a row inserts nothing), existing
    /// ids skipped; answers how many went in per label.
    static let insert = """
        WITH inserted AS (
            INSERT INTO detections (session_id, id, device_id, ts, offset_sec, label, confidence,
                                    bbox_x, bbox_y, bbox_w, bbox_h, attributes)
            SELECT s.session_id, u.id, s.device_id, 'epoch'::timestamptz + u.ts_ms * interval '1 millisecond',
                   u.offset_sec, u.label, u.confidence, u.x, u.y, u.w, u.h, u.attributes::jsonb
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::double precision[], $5::text[], $6::double precision[],
                        $7::double precision[], $8::double precision[], $9::double precision[], $10::double precision[],
                        $11::text[]) WITH ORDINALITY
                 AS u (session_id, id, ts_ms, offset_sec, label, confidence, x, y, w, h, attributes, n)
            JOIN sessions s ON s.session_id = u.session_id
            ORDER BY u.n
            ON CONFLICT (session_id, id) DO NOTHING
            RETURNING label
        )
        SELECT label, count(*) AS n FROM inserted GROUP BY label
        """

    /// The filters of `DetectionQuery` as parameters: NULL means "no filter", which the planner folds
    /// away (libpq's unnamed statements are planned with their values). `$8`–`$10`: the cursor.
    static func select(order: DetectionQuery.Order) -> String {
        let (direction, comparison) = order == .oldestFirst ? ("ASC", ">") : ("DESC", "<")
        return """
            SELECT \(columns) FROM detections
            WHERE ($1::text IS NULL OR session_id = $1)
              AND ($2::text IS NULL OR device_id = $2)
              AND ($3::text IS NULL OR label = $3)
              AND ($4::double precision IS NULL OR confidence >= $4)
              AND ($5::bigint IS NULL OR ts >= 'epoch'::timestamptz + $5::bigint * interval '1 millisecond')
              AND ($6::bigint IS NULL OR ts <= 'epoch'::timestamptz + $6::bigint * interval '1 millisecond')
              AND ($8::bigint IS NULL OR (ts, id, session_id) \(comparison)
                   ('epoch'::timestamptz + $8::bigint * interval '1 millisecond', $9::text COLLATE "C", $10::text COLLATE "C"))
            ORDER BY ts \(direction), id \(direction), session_id \(direction)
            LIMIT $7
            """
    }

    static func parameters(_ query: DetectionQuery) -> [String?] {
        [
            query.sessionId, query.deviceId, query.label, query.minConfidence.map { "\($0)" },
            query.from.map { String($0.epochMilliseconds) }, query.to.map { String($0.epochMilliseconds) },
            String(max(0, query.limit)),
            query.cursor.map { String($0.tsMs) }, query.cursor?.id, query.cursor?.sessionId,
        ]
    }

    static func parameters(_ detections: [Detection]) -> [String?] {
        func numbers(_ value: (Detection) -> Double?) -> String {
            SegmentRow.array(detections.map { value($0).map { "\($0)" } ?? "NULL" })
        }
        return [
            SegmentRow.array(detections.map { SegmentRow.quoted($0.sessionId) }),
            SegmentRow.array(detections.map { SegmentRow.quoted($0.id) }),
            SegmentRow.array(detections.map { String($0.ts.epochMilliseconds) }),
            numbers(\.offsetSec),
            SegmentRow.array(detections.map { SegmentRow.quoted($0.label) }),
            numbers(\.confidence),
            numbers { $0.bbox?.x }, numbers { $0.bbox?.y }, numbers { $0.bbox?.w }, numbers { $0.bbox?.h },
            SegmentRow.array(detections.map { SegmentRow.quoted($0.attributesJSON) }),
        ]
    }

    static func decodeAll(_ result: PGResult) throws(StoreError) -> [Detection] {
        var detections: [Detection] = []
        detections.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            var bbox: BoundingBox?
            if let x = try result.optional(Double.self, row: row, column: "bbox_x"),
               let y = try result.optional(Double.self, row: row, column: "bbox_y"),
               let w = try result.optional(Double.self, row: row, column: "bbox_w"),
               let h = try result.optional(Double.self, row: row, column: "bbox_h") {
                bbox = BoundingBox(x: x, y: y, w: w, h: h)
            }
            detections.append(Detection(
                id: try result.required(String.self, row: row, column: "id"),
                sessionId: try result.required(String.self, row: row, column: "session_id"),
                deviceId: try result.required(String.self, row: row, column: "device_id"),
                ts: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "ts_ms")),
                offsetSec: try result.required(Double.self, row: row, column: "offset_sec"),
                label: try result.required(String.self, row: row, column: "label"),
                confidence: try result.required(Double.self, row: row, column: "confidence"),
                bbox: bbox,
                attributesJSON: try result.required(String.self, row: row, column: "attributes")))
        }
        return detections
    }
}
