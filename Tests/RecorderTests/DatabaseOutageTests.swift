import Foundation
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

@Suite("database outages: recording goes on, rows converge", .enabled(if: databaseConfigured, "needs PostgreSQL (make test)"))
struct DatabaseOutageTests {
    @Test func recordingSurvivesAnOutageAndRowsConvergeAfterIt() async throws {
        try await PrivateCluster.with { cluster in
            try await TestDatabase.withDatabase(conninfo: cluster.conninfo) { pool, _ in
                let fixture = try RecorderFixture(pool: pool)
                defer { fixture.remove() }
                // Open-ended, so it surely records across the outage however long stopping the server takes.
                _ = try await fixture.manager.start(StartRequest(sessionId: "outage-1", source: .testsrc))

                try await cluster.stop()
                #expect(await fixture.manager.isDatabaseHealthy() == false)
                // Starting a session works while the database is down; the journal holds its row.
                let during = try await fixture.manager.start(StartRequest(sessionId: "outage-2", source: .testsrc, durationSec: 1))
                #expect([.starting, .recording].contains(during.status))
                #expect(try await RecorderFixture.eventually(within: 30) { (try? fixture.segments("outage-1").count ?? 0 >= 1) ?? false })
                _ = try await fixture.manager.close("outage-1")
                let first = try await fixture.waitForStatus("outage-1", .completed)
                let second = try await fixture.waitForStatus("outage-2", .completed)
                let listed = try fixture.listedSeconds("outage-1")
                #expect(first.mediaDurationSec > 0 && abs(first.mediaDurationSec - listed) <= 0.3, "media \(first.mediaDurationSec) s, listed \(listed) s")
                #expect(try fixture.playlist("outage-1").contains("#EXT-X-ENDLIST"))
                #expect(await fixture.manager.journalBacklog() == 2)
                let journal = fixture.dataDirectory.appendingPathComponent("journal.jsonl")
                #expect(try Data(contentsOf: journal).count > 0)
                do {
                    _ = try await fixture.manager.list(SessionQuery())
                    Issue.record("list answered without a database")
                } catch let error as RecorderError {
                    #expect(error.code == "database_unavailable")
                }

                try await cluster.resume()
                #expect(await RecorderFixture.eventually { await fixture.manager.journal.flush() })
                #expect(await fixture.manager.journalBacklog() == 0)
                #expect(try Data(contentsOf: journal).isEmpty, "the journal is compacted once applied")
                let rows = try await fixture.repository.list(SessionQuery(limit: 10))
                #expect(rows.map(\.sessionId).sorted() == ["outage-1", "outage-2"])
                let row1 = try #require(rows.first { $0.sessionId == "outage-1" })
                #expect(row1 == first)
                #expect(row1.segmentCount == (try fixture.segments("outage-1").count))
                let row2 = try #require(rows.first { $0.sessionId == "outage-2" })
                #expect(row2 == second)
            }
        }
    }

    @Test func journalSurvivesARestartOfTheDaemon() async throws {
        try await PrivateCluster.with { cluster in
            try await TestDatabase.withDatabase(conninfo: cluster.conninfo) { pool, _ in
                let fixture = try RecorderFixture(pool: pool)
                defer { fixture.remove() }
                try await cluster.stop()
                _ = try await fixture.manager.start(StartRequest(sessionId: "journal-1", source: .testsrc, durationSec: 1))
                _ = try await fixture.waitForStatus("journal-1", .completed)

                // A new daemon on the same data dir replays what the first could not apply.
                try await cluster.resume()
                let restarted = SessionManager(config: fixture.manager.config, repository: fixture.repository, logger: .init(label: "restarted"))
                _ = try await restarted.recover()
                #expect(await restarted.journalBacklog() == 0)
                let row = try #require(try await fixture.repository.get("journal-1"))
                #expect(row.status == .completed)
                #expect(row.segmentCount >= 1)
            }
        }
    }
}
