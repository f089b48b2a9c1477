import StreamdTestSupport
import Foundation
import Sessions
import Store
import Testing

/// Stops and restarts a PostgreSQL cluster of the test's own (scripts/pg-cluster), so the shared
/// test server is never disturbed.
@Suite(.enabled(if: TestDatabase.isConfigured, "STREAMD_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"))
struct FaultInjectionTests {
    @Test(.timeLimit(.minutes(2)))
    func queriesWorkAgainAfterTheServerRestarts() async throws {
        try await PrivateCluster.with { cluster in
            try await TestDatabase.withDatabase(conninfo: cluster.conninfo, poolSize: 2) { pool, _ in
                let repository = PostgresSessionRepository(pool: pool)
                let session = Fixtures.everyField("sess-before-restart")
                try await repository.create(session)

                try await cluster.restart()
                // Every pooled connection is now dead; the first use finds out and retries.
                #expect(try await repository.get(session.sessionId) == session)
                let after = Fixtures.session("sess-after-restart")
                try await repository.create(after)
                #expect(try await repository.list(SessionQuery()).map(\.sessionId).sorted()
                    == ["sess-after-restart", "sess-before-restart"])

                // A second restart with writes in flight: all of them land exactly once.
                try await cluster.restart()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<10 {
                        group.addTask { try await repository.create(Fixtures.session("sess-burst-\(index)")) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await repository.list(SessionQuery(limit: 500)).count == 12)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func healthFollowsTheServerDownAndUp() async throws {
        try await PrivateCluster.with { cluster in
            try await TestDatabase.withDatabase(conninfo: cluster.conninfo, poolSize: 2) { pool, _ in
                let repository = PostgresSessionRepository(pool: pool, healthTimeout: .seconds(2))
                #expect(await repository.isHealthy())

                try await cluster.stop()
                let clock = ContinuousClock()
                let started = clock.now
                #expect(await repository.isHealthy() == false)
                // Bounded by the 2 s health timeout, not by libpq's connect attempts; slack for a loaded machine.
                #expect(clock.now - started < .seconds(10))
                await #expect {
                    _ = try await repository.get("anything")
                } throws: { error in
                    switch error as? StoreError {
                    case .connectionFailed, .connectionLost: true
                    default: false
                    }
                }

                try await cluster.resume()
                #expect(await repository.isHealthy())
                #expect(try await repository.get("anything") == nil)
            }
        }
    }
}
