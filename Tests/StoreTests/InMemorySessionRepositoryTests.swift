import Foundation
import Sessions
import Store
import Testing

/// What only the in-memory repository has: seeding and a switchable health answer for handler tests.
@Suite struct InMemorySessionRepositoryTests {
    @Test func seededSessionsAreStoredAtMillisecondPrecision() async throws {
        var session = Fixtures.session("sess-seeded")
        session.createdAt = Date(timeIntervalSince1970: 1_707_912_000.000_9)
        let repository = InMemorySessionRepository(sessions: [session])
        #expect(try await repository.get("sess-seeded") == session.truncatedToMilliseconds)
        #expect(try await repository.get("sess-seeded")?.createdAt.epochMilliseconds == 1_707_912_000_001)
    }

    @Test func healthCanBeSwitchedOffForOutageTests() async {
        let repository = InMemorySessionRepository()
        #expect(await repository.isHealthy())
        await repository.setHealthy(false)
        #expect(await repository.isHealthy() == false)
    }
}
