import Foundation
import Sessions
import StreamdTestSupport
import Store
import Testing

/// The `nodes` table and the per-node advisory lock on a real PostgreSQL (§12).
@Suite(.enabled(if: TestDatabase.isConfigured, "STREAMD_TEST_DATABASE_URL is not set"))
struct NodeStoreTests {
    @Test func heartbeatUpsertsAndAliveFollowsTheDatabaseClock() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let nodes = PostgresNodeRepository(pool: pool)
            let started = Date(epochMilliseconds: 1_764_000_000_123)
            try await nodes.heartbeat(nodeId: "node-b", publicURL: "http://b:8080", version: "1", startedAt: started)
            try await nodes.heartbeat(nodeId: "node-a", publicURL: "http://a:8080", version: "1", startedAt: started)
            try await nodes.heartbeat(nodeId: "node-a", publicURL: "http://a2:8080", version: "2", startedAt: started)
            let listed = try await nodes.nodes(aliveWithinSec: 30)
            #expect(listed.map(\.nodeId) == ["node-a", "node-b"])
            #expect(listed[0].publicURL == "http://a2:8080" && listed[0].version == "2")
            #expect(listed[0].startedAt == started)
            #expect(listed.allSatisfy { $0.alive })
            // Seen 60 s ago by the database's own clock: not alive.
            try await pool.withConnection(statement: "age") { connection, _ in
                _ = try connection.execute("UPDATE nodes SET last_seen_at = now() - interval '60 seconds' WHERE node_id = 'node-b'", statement: "age")
            }
            let aged = try await nodes.nodes(aliveWithinSec: 30)
            #expect(aged.first { $0.nodeId == "node-b" }?.alive == false)
            #expect(aged.first { $0.nodeId == "node-a" }?.alive == true)
        }
    }

    @Test func ownersComeFromTheSessionRows() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let sessions = PostgresSessionRepository(pool: pool)
            try await sessions.create(Fixtures.session("sess-a", node: "node-a"))
            try await sessions.create(Fixtures.session("sess-b", node: "node-b"))
            let owners = try await PostgresNodeRepository(pool: pool).owners(of: ["sess-a", "sess-b", "sess-none"])
            #expect(owners == ["sess-a": "node-a", "sess-b": "node-b"])
            #expect(try await PostgresNodeRepository(pool: pool).owners(of: []) == [:])
        }
    }

    @Test func aNodeIdIsHeldByOneProcessAtATime() async throws {
        try await TestDatabase.withDatabase { _, name in
            let conninfo = try #require(TestDatabase.conninfo) + " dbname=\(name)"
            let first = NodeLock(conninfo: conninfo, nodeId: "node-a")
            let twin = NodeLock(conninfo: conninfo, nodeId: "node-a")
            let other = NodeLock(conninfo: conninfo, nodeId: "node-b")
            #expect(await first.ensure() == .held)
            #expect(await first.ensure() == .held, "checking a held lock keeps it")
            #expect(await other.ensure() == .held, "another node id is another lock")
            guard case .heldElsewhere(let holder) = await twin.ensure() else {
                Issue.record("the twin took a lock the first one holds")
                return
            }
            #expect(holder.contains("streamd pid"), "the refusal names the holder: \(holder)")
            // The holder goes away (its process ended): the lock is free again.
            await first.release()
            #expect(await twin.ensure() == .held)
            #expect(await first.ensure() != .held)
            await twin.release()
            await other.release()
        }
    }

    @Test func anUnreachableDatabaseIsNotARefusal() async {
        let lock = NodeLock(conninfo: "host=/nonexistent-socket-dir port=1 connect_timeout=1", nodeId: "node-a")
        guard case .databaseUnavailable = await lock.ensure() else {
            Issue.record("expected databaseUnavailable")
            return
        }
    }
}
