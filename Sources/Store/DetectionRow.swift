import Foundation
import Sessions

/// The SQL and the row mapping between `Detection` and the `detections` table. Times travel as
/// epoch milliseconds, as for sessions and segments.
enum DetectionRow {
    static let columns = """
        session_id, id, device_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, offset_sec, label, confidence,
        bbox_x, bbox_y, bbox_w, bbox_h, attributes::text AS attributes
        """

    /// One statement per batch of one session: arrays in, inserted in time order (neighbouring keys
    /// in every time index one after another; WITH ORDINALITY keeps input order among equal times,
    /// so the first of two equal ids with one time wins; the caller drops repeated ids), `device_id` from the session row, which the statement locks once
    /// (FOR KEY SHARE: a delete of the session waits, then its trigger removes these rows too; a
    /// session without a row inserts nothing); answers how many went in per label.
    /// `insert` is the plain form, which fails with 23505 when an id exists; `insertSkippingExisting`
    /// skips existing ids (ON CONFLICT DO NOTHING) at the cost of a speculative insertion per row:
    /// one more primary-key probe and one more WAL record each.
    static let insert = insertStatement(onConflict: "")
    static let insertSkippingExisting = insertStatement(onConflict: "ON CONFLICT (session_id, id) DO NOTHING")

    private static func insertStatement(onConflict: String) -> String {
        """
        WITH owner AS (
            SELECT session_id, device_id FROM sessions WHERE session_id = $1 FOR KEY SHARE
        ), inserted AS (
            INSERT INTO detections (session_id, id, device_id, ts, offset_sec, label, confidence,
                                    bbox_x, bbox_y, bbox_w, bbox_h, attributes)
            SELECT o.session_id, u.id, o.device_id, 'epoch'::timestamptz + u.ts_ms * interval '1 millisecond',
                   u.offset_sec, u.label, u.confidence, u.x, u.y, u.w, u.h, u.attributes::jsonb
            FROM owner o,
                 unnest($2::text[], $3::bigint[], $4::double precision[], $5::text[], $6::double precision[],
                        $7::double precision[], $8::double precision[], $9::double precision[], $10::double precision[],
                        $11::text[]) WITH ORDINALITY
                 AS u (id, ts_ms, offset_sec, label, confidence, x, y, w, h, attributes, n)
            ORDER BY u.ts_ms, u.n
            \(onConflict)
            RETURNING label
        )
        SELECT label, count(*) AS n FROM inserted GROUP BY label
        """
    }

    /// The filters of `DetectionQuery` as parameters: NULL means "no filter", which the planner folds
    /// away (libpq's unnamed statements are planned with their values). `$8`–`$10`: the cursor.
    /// A search by session or label reads its index in order. One without either (a device's, or
    /// all) walks the labels that occur (a skip scan over `(device_id, label, ts)` or `(label, ts)`,
    /// one index probe per label) and merges each label's first page: the table keeps no
    /// `(device_id, ts)` or `(ts)` index, two fewer B-trees for every inserted row.
    static func select(_ query: DetectionQuery) -> String {
        let (direction, comparison) = query.order == .oldestFirst ? ("ASC", ">") : ("DESC", "<")
        let filters = """
            ($4::double precision IS NULL OR confidence >= $4)
              AND ($5::bigint IS NULL OR ts >= 'epoch'::timestamptz + $5::bigint * interval '1 millisecond')
              AND ($6::bigint IS NULL OR ts <= 'epoch'::timestamptz + $6::bigint * interval '1 millisecond')
              AND ($8::bigint IS NULL OR (ts, id, session_id) \(comparison)
                   ('epoch'::timestamptz + $8::bigint * interval '1 millisecond', $9::text COLLATE "C", $10::text COLLATE "C"))
            """
        let order = "ORDER BY ts \(direction), id \(direction), session_id \(direction)"
        guard query.sessionId == nil, query.label == nil else {
            return """
                SELECT \(columns) FROM detections
                WHERE ($1::text IS NULL OR session_id = $1)
                  AND ($2::text IS NULL OR device_id = $2)
                  AND ($3::text IS NULL OR label = $3)
                  AND \(filters)
                \(order)
                LIMIT $7
                """
        }
        return """
            WITH RECURSIVE labels (present) AS (
                (SELECT label FROM detections WHERE ($2::text IS NULL OR device_id = $2) ORDER BY label LIMIT 1)
                UNION ALL
                SELECT (SELECT d.label FROM detections d WHERE ($2::text IS NULL OR d.device_id = $2) AND d.label > l.present
                        ORDER BY d.label LIMIT 1)
                FROM labels l WHERE l.present IS NOT NULL
            )
            SELECT \(columns) FROM labels CROSS JOIN LATERAL (
                SELECT * FROM detections
                WHERE ($2::text IS NULL OR device_id = $2) AND label = labels.present
                  AND \(filters)
                \(order)
                LIMIT $7
            ) detections
            WHERE labels.present IS NOT NULL AND $1::text IS NULL AND $3::text IS NULL
            \(order)
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

    /// The parameters of `insert` for detections of one session.
    static func parameters(sessionId: String, _ detections: [Detection]) -> [String?] {
        var ids = ArrayLiteral(capacity: detections.count * 16)
        var times = ArrayLiteral(capacity: detections.count * 14)
        var offsets = ArrayLiteral(capacity: detections.count * 8)
        var labels = ArrayLiteral(capacity: detections.count * 10)
        var confidences = ArrayLiteral(capacity: detections.count * 6)
        var boxes = (0..<4).map { _ in ArrayLiteral(capacity: detections.count * 6) }
        var attributes = ArrayLiteral(capacity: detections.count * 24)
        for detection in detections {
            ids.append(quoting: detection.id)
            times.append(number: detection.ts.epochMilliseconds)
            offsets.append(number: detection.offsetSec)
            labels.append(quoting: detection.label)
            confidences.append(number: detection.confidence)
            if let box = detection.bbox {
                boxes[0].append(number: box.x)
                boxes[1].append(number: box.y)
                boxes[2].append(number: box.w)
                boxes[3].append(number: box.h)
            } else {
                for index in boxes.indices { boxes[index].appendNull() }
            }
            attributes.append(quoting: detection.attributesJSON)
        }
        return [sessionId, ids.text, times.text, offsets.text, labels.text, confidences.text]
            + boxes.map(\.text) + [attributes.text]
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
