import StreamdTestSupport
import Foundation
import Logging
@testable import Store
import Testing

/// The libpq layer, the pool and the migrations against the real server.
@Suite(.enabled(if: TestDatabase.isConfigured, "STREAMD_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"))
struct PostgresStoreTests {
    @Test func migrationsRunConcurrentlyFromTwoPoolsApplyOnce() async throws {
        try await TestDatabase.withDatabase(migrated: false) { _, name in
            let conninfo = try #require(TestDatabase.conninfo)
            let first = ConnectionPool(conninfo: conninfo, overrides: ["dbname": name], size: 1)
            let second = ConnectionPool(conninfo: conninfo, overrides: ["dbname": name], size: 1)
            async let a = migrate(pool: first)
            async let b = migrate(pool: second)
            let (appliedByA, appliedByB) = try await (a, b)
            #expect((appliedByA + appliedByB).sorted() == Migration.all.map(\.version))
            #expect(appliedByA.isEmpty || appliedByB.isEmpty)
            #expect(try await migrate(pool: first) == [])

            let recorded = try await first.withConnection(statement: "read_migrations") { connection, _ in
                let result = try connection.execute(
                    "SELECT version, name FROM schema_migrations ORDER BY version", statement: "read_migrations")
                return try (0..<result.rowCount).map { row in
                    "\(try result.required(Int.self, row: row, column: "version")) \(try result.required(String.self, row: row, column: "name"))"
                }
            }
            #expect(recorded == Migration.all.map { "\($0.version) \($0.name)" })
            await first.shutdown()
            await second.shutdown()
        }
    }

    @Test func sessionsTableHasOneSnakeCaseColumnPerField() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let columns = try await pool.withConnection(statement: "columns") { connection, _ in
                let result = try connection.execute("""
                    SELECT column_name FROM information_schema.columns
                    WHERE table_name = 'sessions' ORDER BY ordinal_position
                    """, statement: "columns")
                return try (0..<result.rowCount).map { try result.required(String.self, row: $0, column: "column_name") }
            }
            #expect(columns == [
                "session_id", "device_id", "stream_path", "status", "source", "device", "edge_start_ts",
                "edge_end_ts", "playlist_url", "duration_sec", "post_roll_sec", "width", "height", "fps",
                "media_duration_sec", "segment_count", "bytes", "error", "node", "created_at", "updated_at",
                "source_url", "video_codec", "audio_codec", "transcoded", "reconnects",
            ])
        }
    }

    @Test func statusOutsideTheFiveIsRefusedByTheCheckConstraint() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let parameters = SessionRow.parameters(Fixtures.session("sess-bad")).enumerated().map { index, value in
                index == 3 ? "paused" : value
            }
            await #expect {
                try await pool.withConnection(statement: "insert_bad_status") { connection, _ in
                    _ = try connection.execute(SessionRow.insert, parameters, statement: "insert_bad_status")
                }
            } throws: { error in
                let storeError = error as? StoreError
                return storeError?.sqlstate == "23514" && storeError?.statement == "insert_bad_status"
            }
        }
    }

    @Test func typedErrorsCarrySQLStateAndStatement() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            await #expect {
                try await pool.withConnection(statement: "divide") { connection, _ in
                    _ = try connection.execute("SELECT 1 / $1::integer", ["0"], statement: "divide")
                }
            } throws: { error in
                let storeError = error as? StoreError
                return storeError?.sqlstate == "22012" && storeError?.statement == "divide"
            }
            // The failed statement left no transaction behind: the connection is reusable.
            let one = try await pool.withConnection(statement: "after_error") { connection, _ in
                try connection.execute("SELECT 1 AS one", statement: "after_error").required(Int.self, row: 0, column: "one")
            }
            #expect(one == 1)
        }
    }

    @Test func resultAccessorsHandleNullAndBadText() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            try await pool.withConnection(statement: "accessors") { connection, _ in
                let result = try connection.execute(
                    "SELECT NULL::text AS missing, $1::bigint AS big, 'x' AS letter, 1.5::float8 AS half, true AS yes",
                    ["9223372036854775807"], statement: "accessors")
                #expect(result.rowCount == 1)
                #expect(try result.optional(String.self, row: 0, column: "missing") == nil)
                #expect(try result.required(Int64.self, row: 0, column: "big") == Int64.max)
                #expect(try result.required(Double.self, row: 0, column: "half") == 1.5)
                #expect(try result.required(Bool.self, row: 0, column: "yes"))
                #expect(throws: StoreError.unexpectedValue(column: "missing", value: nil, statement: "accessors")) {
                    try result.required(String.self, row: 0, column: "missing")
                }
                #expect(throws: StoreError.unexpectedValue(column: "letter", value: "x", statement: "accessors")) {
                    try result.required(Int.self, row: 0, column: "letter")
                }
                #expect(throws: StoreError.missingColumn(column: "absent", statement: "accessors")) {
                    try result.optional(Int.self, row: 0, column: "absent")
                }
            }
        }
    }

    @Test func connectionsUseUTCAndRouteNoticesIntoTheLog() async throws {
        try await TestDatabase.withDatabase { _, name in
            let conninfo = try #require(TestDatabase.conninfo)
            let (logger, messages) = CapturingLogHandler.logger()
            let pool = ConnectionPool(conninfo: conninfo, overrides: ["dbname": name], size: 1, logger: logger)
            let zone = try await pool.withConnection(statement: "notice") { connection, _ in
                try connection.executeScript("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$", statement: "notice")
                return try connection.execute("SHOW TimeZone", statement: "notice").required(String.self, row: 0, column: "TimeZone")
            }
            await pool.shutdown()
            #expect(zone == "UTC")
            #expect(messages.lines.contains { $0.hasPrefix("notice") && $0.contains("hello from plpgsql") })
        }
    }

    @Test func unreachableServerIsConnectionFailed() async throws {
        let pool = ConnectionPool(conninfo: "host=/nonexistent-streamd-socket-dir port=1 user=postgres dbname=postgres", size: 1)
        await #expect {
            try await pool.withConnection(statement: "unreachable") { _, _ in 1 }
        } throws: { error in
            guard case StoreError.connectionFailed(let message) = error else { return false }
            return !message.isEmpty
        }
        #expect(await PostgresSessionRepository(pool: pool).isHealthy() == false)
    }

    @Test func retriedCreateAcceptsItsOwnCommittedRowButNotAnother() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let session = Fixtures.everyField("sess-retry")
            let repository = PostgresSessionRepository(pool: pool)
            try await repository.create(session)
            // What the pool does after a connection dropped mid-insert: attempt 2 finds the row.
            try await pool.withConnection(statement: "retry_same", retryOnConnectionLoss: false) { connection, _ in
                try PostgresSessionRepository.insert(session, on: connection, attempt: 2)
            }
            var changed = session
            changed.deviceId = "someone-else"
            let other = changed
            await #expect {
                try await pool.withConnection(statement: "retry_other", retryOnConnectionLoss: false) { connection, _ in
                    try PostgresSessionRepository.insert(other, on: connection, attempt: 2)
                }
            } throws: { error in
                guard case StoreError.duplicateKey = error else { return false }
                return true
            }
        }
    }
}
