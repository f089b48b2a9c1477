/// One schema change. Versions only ever grow; an applied migration is never edited, a fix is a
/// new version.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension Migration {
    /// The schema of streamd, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "create_sessions", sql: """
            CREATE TABLE sessions (
                -- "C" collation: byte order, the same order the in-memory repository and the
                -- list cursor use (a locale collation would ignore '-' and '_').
                session_id text COLLATE "C" PRIMARY KEY,
                device_id text NOT NULL,
                stream_path text NOT NULL,
                status text NOT NULL
                    CHECK (status IN ('starting', 'recording', 'completed', 'failed', 'interrupted')),
                source text NOT NULL,
                device text,
                edge_start_ts bigint,
                edge_end_ts bigint,
                playlist_url text NOT NULL,
                duration_sec double precision,
                post_roll_sec double precision NOT NULL DEFAULT 0,
                width integer NOT NULL,
                height integer NOT NULL,
                fps integer NOT NULL,
                media_duration_sec double precision NOT NULL DEFAULT 0,
                segment_count integer NOT NULL DEFAULT 0,
                bytes bigint NOT NULL DEFAULT 0,
                error text,
                node text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX sessions_list_idx ON sessions (created_at DESC, session_id DESC);
            CREATE INDEX sessions_status_idx ON sessions (status);
            CREATE INDEX sessions_device_id_idx ON sessions (device_id);
            CREATE INDEX sessions_node_status_idx ON sessions (node, status);
            """),
        // Round 2: stream copy (publish and pull) records what a source sends, so a session says
        // which codecs it holds, where it pulled from, and how often its source came back.
        Migration(version: 2, name: "session_source_fields", sql: """
            ALTER TABLE sessions
                ADD COLUMN source_url text,
                ADD COLUMN video_codec text DEFAULT 'h264',
                ADD COLUMN audio_codec text,
                ADD COLUMN transcoded boolean NOT NULL DEFAULT false,
                ADD COLUMN reconnects integer NOT NULL DEFAULT 0;
            """),
        // Round 3: the archive. One row per closed segment. `device_id` is copied from the session
        // row at insert so a device's time window is one range scan of (device_id, starts_at)
        // instead of a join through sessions over a year of rows (a session's device never changes).
        Migration(version: 3, name: "create_segments", sql: """
            CREATE TABLE segments (
                session_id text COLLATE "C" NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
                seq integer NOT NULL,
                device_id text NOT NULL,
                uri text NOT NULL,
                starts_at timestamptz NOT NULL,
                duration_sec double precision NOT NULL,
                bytes bigint NOT NULL,
                discontinuity boolean NOT NULL DEFAULT false,
                PRIMARY KEY (session_id, seq)
            );
            -- INCLUDE: a timeline reads only these, so a day of a device is an index-only scan.
            CREATE INDEX segments_device_time_idx ON segments (device_id, starts_at) INCLUDE (duration_sec, session_id, seq);
            """),
        // Round 4: detections (contract §11). `device_id` is copied from the session at insert, as for
        // segments, so device searches are index range scans without a join. Ids are unique per
        // session (the client's idempotency key); every search orders by (ts, id, session_id).
        Migration(version: 4, name: "create_detections", sql: """
            CREATE TABLE detections (
                session_id text COLLATE "C" NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
                id text COLLATE "C" NOT NULL,
                device_id text NOT NULL,
                ts timestamptz NOT NULL,
                offset_sec double precision NOT NULL,
                label text NOT NULL,
                confidence double precision NOT NULL,
                bbox_x double precision,
                bbox_y double precision,
                bbox_w double precision,
                bbox_h double precision,
                attributes jsonb NOT NULL DEFAULT '{}',
                PRIMARY KEY (session_id, id)
            );
            CREATE INDEX detections_session_ts_idx ON detections (session_id, ts, id);
            CREATE INDEX detections_device_label_ts_idx ON detections (device_id, label, ts);
            CREATE INDEX detections_device_ts_idx ON detections (device_id, ts);
            CREATE INDEX detections_label_ts_idx ON detections (label, ts);
            CREATE INDEX detections_ts_idx ON detections (ts);
            """),
    ]
}
