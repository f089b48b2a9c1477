import StreamdTestSupport
import Foundation
import PropertyBased
import Sessions
import Store
import Testing

/// Properties of list pagination over random sessions: a small id alphabet with '-' and '_' and
/// few distinct instants, so ties and byte-order tie-breaks are common.
@Suite struct PaginationPropertyTests {
    static let alphabet: [Character] = Array("aZ0-_")

    static let idGenerator = Gen.int(in: 0...(alphabet.count - 1)).map { alphabet[$0] }.string(of: 1...4)

    static let sessionsGenerator = zip(
        idGenerator, Gen.int64(in: 0...5), Gen<SessionStatus>.case, Gen.int(in: 0...2)
    ).array(of: 0...40).map { (specs: [(String, Int64, SessionStatus, Int)]) -> [Session] in
        // Ids must be unique: keep the first spec for each generated id.
        var seen = Set<String>()
        return specs.compactMap { id, offset, status, device -> Session? in
            guard seen.insert(id).inserted else { return nil }
            return Fixtures.session(
                id, device: "cam-\(device)", status: status, createdMs: Fixtures.baseMs + offset)
        }
    }

    /// Every row exactly once, in list order, newest first, whatever the page size.
    @Test func pagesCoverEveryRowOnceInOrder() async throws {
        await propertyCheck(count: 200, input: Self.sessionsGenerator, Gen.int(in: 1...7)) { sessions, pageSize in
            let repository = InMemorySessionRepository(sessions: sessions)
            let pages = try await Self.paginate(repository, SessionQuery(limit: pageSize))
            #expect(pages.allSatisfy { $0.count <= pageSize })
            let ids = pages.flatMap { $0 }.map(\.sessionId)
            #expect(ids.count == sessions.count)
            #expect(Set(ids) == Set(sessions.map(\.sessionId)))
            let expected = sessions.sorted { a, b in
                if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
                return Array(b.sessionId.utf8).lexicographicallyPrecedes(Array(a.sessionId.utf8))
            }.map(\.sessionId)
            #expect(ids == expected)
        }
    }

    /// The same random data and queries give the same pages on PostgreSQL as in memory.
    @Test(.enabled(if: TestDatabase.isConfigured, "STREAMD_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"))
    func postgresPagesMatchInMemoryPages() async throws {
        try await TestDatabase.withDatabase { pool, _ in
            let postgres = PostgresSessionRepository(pool: pool)
            await propertyCheck(
                count: 25, input: Self.sessionsGenerator, Gen.int(in: 1...7), Gen<SessionStatus>.case.optional(),
                Gen.int(in: 0...2).optional()
            ) { sessions, pageSize, status, device in
                for existing in try await postgres.list(SessionQuery(limit: 500)) {
                    try await postgres.delete(existing.sessionId)
                }
                for session in sessions { try await postgres.create(session) }
                let memory = InMemorySessionRepository(sessions: sessions)
                let query = SessionQuery(limit: pageSize, status: status, deviceId: device.map { "cam-\($0)" })
                let fromPostgres = try await Self.paginate(postgres, query)
                let fromMemory = try await Self.paginate(memory, query)
                #expect(fromPostgres.map { $0.map(\.sessionId) } == fromMemory.map { $0.map(\.sessionId) })
                #expect(fromPostgres == fromMemory)
            }
        }
    }

    static func paginate(_ repository: any SessionRepository, _ query: SessionQuery) async throws -> [[Session]] {
        var pages: [[Session]] = []
        var query = query
        while true {
            let page = try await repository.list(query)
            guard let last = page.last else { return pages }
            pages.append(page)
            query.before = last.sessionId
        }
    }
}
