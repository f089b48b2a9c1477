import Foundation
import Sessions

/// The SQL and the row mapping between `Session` and the `sessions` table. Timestamps travel as
/// epoch milliseconds (bigint) so neither the session TimeZone nor DateStyle can change them.
enum SessionRow {
    static let columns = """
        session_id, device_id, stream_path, status, source, device, edge_start_ts, edge_end_ts,
        playlist_url, duration_sec, post_roll_sec, width, height, fps, media_duration_sec,
        segment_count, bytes, error, node, source_url, video_codec, audio_codec, transcoded, reconnects,
        (extract(epoch FROM created_at) * 1000)::bigint AS created_at_ms,
        (extract(epoch FROM updated_at) * 1000)::bigint AS updated_at_ms
        """

    private static let insertColumns = """
        session_id, device_id, stream_path, status, source, device, edge_start_ts, edge_end_ts,
        playlist_url, duration_sec, post_roll_sec, width, height, fps, media_duration_sec,
        segment_count, bytes, error, node, created_at, updated_at,
        source_url, video_codec, audio_codec, transcoded, reconnects
        """

    private static let insertValues = """
        $1, $2, $3, $4, $5, $6, $7::bigint, $8::bigint, $9, $10::double precision,
        $11::double precision, $12::integer, $13::integer, $14::integer, $15::double precision,
        $16::integer, $17::bigint, $18, $19,
        'epoch'::timestamptz + $20::bigint * interval '1 millisecond',
        'epoch'::timestamptz + $21::bigint * interval '1 millisecond',
        $22, $23, $24, $25::boolean, $26::integer
        """

    static let insert = "INSERT INTO sessions (\(insertColumns)) VALUES (\(insertValues))"

    static let upsert = """
        INSERT INTO sessions (\(insertColumns)) VALUES (\(insertValues))
        ON CONFLICT (session_id) DO UPDATE SET
            device_id = EXCLUDED.device_id, stream_path = EXCLUDED.stream_path,
            status = EXCLUDED.status, source = EXCLUDED.source, device = EXCLUDED.device,
            edge_start_ts = EXCLUDED.edge_start_ts, edge_end_ts = EXCLUDED.edge_end_ts,
            playlist_url = EXCLUDED.playlist_url, duration_sec = EXCLUDED.duration_sec,
            post_roll_sec = EXCLUDED.post_roll_sec, width = EXCLUDED.width, height = EXCLUDED.height,
            fps = EXCLUDED.fps, media_duration_sec = EXCLUDED.media_duration_sec,
            segment_count = EXCLUDED.segment_count, bytes = EXCLUDED.bytes, error = EXCLUDED.error,
            node = EXCLUDED.node, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
            source_url = EXCLUDED.source_url, video_codec = EXCLUDED.video_codec,
            audio_codec = EXCLUDED.audio_codec, transcoded = EXCLUDED.transcoded, reconnects = EXCLUDED.reconnects
        """

    static let selectById = "SELECT \(columns) FROM sessions WHERE session_id = $1"

    /// `$3` is the cursor: rows strictly after it in list order. An unknown cursor makes the
    /// subquery NULL, the row comparison NULL, and the page empty.
    static let list = """
        SELECT \(columns) FROM sessions
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR device_id = $2)
          AND ($3::text IS NULL OR (created_at, session_id) <
               (SELECT c.created_at, c.session_id FROM sessions c WHERE c.session_id = $3))
        ORDER BY created_at DESC, session_id DESC
        LIMIT $4::bigint
        """

    static let byNodeAndStatus = """
        SELECT \(columns) FROM sessions
        WHERE node = $1 AND status = ANY($2::text[])
        ORDER BY created_at DESC, session_id DESC
        """

    static let delete = "DELETE FROM sessions WHERE session_id = $1 RETURNING session_id"

    /// Parameters `$1`…`$26` of `insert` and `upsert`.
    static func parameters(_ session: Session) -> [String?] {
        [
            session.sessionId, session.deviceId, session.streamPath, session.status.rawValue,
            session.source, session.device, session.edgeStartTs.map(String.init),
            session.edgeEndTs.map(String.init), session.playlistUrl,
            session.durationSec.map(text), text(session.postRollSec), String(session.width),
            String(session.height), String(session.fps), text(session.mediaDurationSec),
            String(session.segmentCount), String(session.bytes), session.error, session.node,
            String(session.createdAt.epochMilliseconds), String(session.updatedAt.epochMilliseconds),
            session.sourceUrl, session.videoCodec, session.audioCodec, session.transcoded ? "true" : "false",
            String(session.reconnects),
        ]
    }

    static func decode(_ result: PGResult, row: Int) throws(StoreError) -> Session {
        let statusText = try result.required(String.self, row: row, column: "status")
        guard let status = SessionStatus(rawValue: statusText) else {
            throw .unexpectedValue(column: "status", value: statusText, statement: result.statement)
        }
        return Session(
            sessionId: try result.required(String.self, row: row, column: "session_id"),
            deviceId: try result.required(String.self, row: row, column: "device_id"),
            streamPath: try result.required(String.self, row: row, column: "stream_path"),
            status: status,
            source: try result.required(String.self, row: row, column: "source"),
            device: try result.optional(String.self, row: row, column: "device"),
            edgeStartTs: try result.optional(Int64.self, row: row, column: "edge_start_ts"),
            edgeEndTs: try result.optional(Int64.self, row: row, column: "edge_end_ts"),
            playlistUrl: try result.required(String.self, row: row, column: "playlist_url"),
            durationSec: try result.optional(Double.self, row: row, column: "duration_sec"),
            postRollSec: try result.required(Double.self, row: row, column: "post_roll_sec"),
            width: try result.required(Int.self, row: row, column: "width"),
            height: try result.required(Int.self, row: row, column: "height"),
            fps: try result.required(Int.self, row: row, column: "fps"),
            mediaDurationSec: try result.required(Double.self, row: row, column: "media_duration_sec"),
            segmentCount: try result.required(Int.self, row: row, column: "segment_count"),
            bytes: try result.required(Int64.self, row: row, column: "bytes"),
            error: try result.optional(String.self, row: row, column: "error"),
            node: try result.required(String.self, row: row, column: "node"),
            sourceUrl: try result.optional(String.self, row: row, column: "source_url"),
            videoCodec: try result.optional(String.self, row: row, column: "video_codec"),
            audioCodec: try result.optional(String.self, row: row, column: "audio_codec"),
            transcoded: try result.required(Bool.self, row: row, column: "transcoded"),
            reconnects: try result.required(Int.self, row: row, column: "reconnects"),
            createdAt: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "created_at_ms")),
            updatedAt: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "updated_at_ms"))
        )
    }

    static func decodeAll(_ result: PGResult) throws(StoreError) -> [Session] {
        var sessions: [Session] = []
        sessions.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            sessions.append(try decode(result, row: row))
        }
        return sessions
    }

    /// Shortest text that parses back to the same Double; PostgreSQL's spelling of the specials.
    private static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}
