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
        // Several nodes on one database (§12): each node's heartbeat, so any node can say who is
        // alive and where another node's recordings are served (`public_url`).
        Migration(version: 5, name: "create_nodes", sql: """
            CREATE TABLE nodes (
                node_id text COLLATE "C" PRIMARY KEY,
                public_url text NOT NULL,
                version text NOT NULL,
                started_at timestamptz NOT NULL,
                last_seen_at timestamptz NOT NULL
            );
            """),
        // Round 3, exports step: the timeline's spans kept as segments arrive, so a day of a device
        // reads a few dozen rows instead of merging 43,200 segments per request. A piece is a run
        // of touching segments (gaps up to 0.5 s) of one session, at most an hour long (plus one
        // segment), so a window query bounds its index scan. Appends extend the last piece or add
        // one; anything out of order, a changed row or a deleted one rebuilds that session's pieces.
        // (Versions 4 and 5 belong to other round-3 work.)
        Migration(version: 6, name: "create_segment_spans", sql: """
            CREATE TABLE segment_spans (
                session_id text COLLATE "C" NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
                device_id text NOT NULL,
                starts_at timestamptz NOT NULL,
                ends_at timestamptz NOT NULL
            );
            CREATE INDEX segment_spans_device_time_idx ON segment_spans (device_id, starts_at) INCLUDE (ends_at, session_id);
            CREATE INDEX segment_spans_session_idx ON segment_spans (session_id, starts_at);

            CREATE FUNCTION segment_spans_rebuild(target text) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE
                segment record;
                piece_start timestamptz;
                piece_end timestamptz;
                piece_device text;
            BEGIN
                DELETE FROM segment_spans WHERE session_id = target;
                FOR segment IN
                    SELECT device_id, starts_at, starts_at + duration_sec * interval '1 second' AS ends_at
                    FROM segments WHERE session_id = target ORDER BY starts_at, seq
                LOOP
                    IF piece_start IS NOT NULL AND segment.starts_at - piece_end <= interval '0.5 second'
                       AND piece_end - piece_start < interval '1 hour' THEN
                        piece_end := greatest(piece_end, segment.ends_at);
                    ELSE
                        IF piece_start IS NOT NULL THEN
                            INSERT INTO segment_spans VALUES (target, piece_device, piece_start, piece_end);
                        END IF;
                        piece_start := segment.starts_at;
                        piece_end := segment.ends_at;
                        piece_device := segment.device_id;
                    END IF;
                END LOOP;
                IF piece_start IS NOT NULL THEN
                    INSERT INTO segment_spans VALUES (target, piece_device, piece_start, piece_end);
                END IF;
            END $$;

            CREATE FUNCTION segment_spans_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                new_end timestamptz := NEW.starts_at + NEW.duration_sec * interval '1 second';
            BEGIN
                IF EXISTS (SELECT 1 FROM segment_spans WHERE session_id = NEW.session_id
                           AND ends_at > NEW.starts_at + interval '0.5 second') THEN
                    -- Not an append (reconcile filling a hole, a replay out of order): start over.
                    PERFORM segment_spans_rebuild(NEW.session_id);
                    RETURN NULL;
                END IF;
                UPDATE segment_spans SET ends_at = greatest(ends_at, new_end)
                WHERE ctid = (SELECT ctid FROM segment_spans
                              WHERE session_id = NEW.session_id AND starts_at <= NEW.starts_at
                                AND ends_at >= NEW.starts_at - interval '0.5 second'
                                AND ends_at - starts_at < interval '1 hour'
                              ORDER BY starts_at DESC LIMIT 1);
                IF NOT FOUND THEN
                    INSERT INTO segment_spans VALUES (NEW.session_id, NEW.device_id, NEW.starts_at, new_end);
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION segment_spans_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM segment_spans_rebuild(NEW.session_id);
                RETURN NULL;
            END $$;

            CREATE FUNCTION segment_spans_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                target text;
            BEGIN
                -- A cascade from a deleted session finds no session row: its pieces cascade too.
                FOR target IN SELECT DISTINCT g.session_id FROM gone g
                              WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = g.session_id) LOOP
                    PERFORM segment_spans_rebuild(target);
                END LOOP;
                RETURN NULL;
            END $$;

            CREATE TRIGGER segment_spans_insert AFTER INSERT ON segments
                FOR EACH ROW EXECUTE FUNCTION segment_spans_on_insert();
            CREATE TRIGGER segment_spans_update AFTER UPDATE ON segments
                FOR EACH ROW WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.duration_sec IS DISTINCT FROM NEW.duration_sec)
                EXECUTE FUNCTION segment_spans_on_update();
            CREATE TRIGGER segment_spans_delete AFTER DELETE ON segments
                REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION segment_spans_on_delete();

            SELECT segment_spans_rebuild(session_id) FROM (SELECT DISTINCT session_id FROM segments) s;
            """),
        // Cheaper detection inserts. No per-row foreign key check: the key's trigger ran one lookup
        // of the session for every row inserted, a fifth of a 1000-item batch's cost in PostgreSQL.
        // The insert now locks its session row once (FOR KEY SHARE, so a concurrent delete waits for
        // it and then removes what it inserted), and deleting sessions deletes their detections.
        // `device_id` and `label` compare bytewise (COLLATE "C", like the ids): under the database's
        // default collation every index comparison went through strcoll. Searches compare them only
        // for equality, so no answer changes. Two of the six B-trees go: searches without a session
        // or a label walk the labels of `(device_id, label, ts)` or `(label, ts)` instead
        // (`DetectionRow.select`).
        Migration(version: 7, name: "cheaper_detection_inserts", sql: """
            ALTER TABLE detections DROP CONSTRAINT detections_session_id_fkey;
            ALTER TABLE detections ALTER COLUMN device_id TYPE text COLLATE "C", ALTER COLUMN label TYPE text COLLATE "C";
            DROP INDEX detections_device_ts_idx;
            DROP INDEX detections_ts_idx;

            CREATE FUNCTION detections_on_session_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM detections d USING gone g WHERE d.session_id = g.session_id;
                RETURN NULL;
            END $$;

            CREATE TRIGGER detections_session_delete AFTER DELETE ON sessions
                REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION detections_on_session_delete();
            """),
    ]
}
