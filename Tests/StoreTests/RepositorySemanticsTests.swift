import Foundation
import Sessions
import StreamdTestSupport
import Store
import Testing

/// The `SessionRepository` contract, checked identically on PostgreSQL and in memory.
@Suite struct RepositorySemanticsTests {
    @Test(arguments: RepositoryKind.available)
    func createThenGetReturnsEveryField(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let full = Fixtures.everyField("sess-full")
            let sparse = Fixtures.session("sess-sparse")
            try await repository.create(full)
            try await repository.create(sparse)
            #expect(try await repository.get("sess-full") == full)
            #expect(try await repository.get("sess-sparse") == sparse)
            #expect(try await repository.get("sess-missing") == nil)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func timestampsKeepMillisecondsAndDropTheRest(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            var session = Fixtures.session("sess-time")
            session.createdAt = Date(timeIntervalSince1970: 1_707_912_000.123_4)
            session.updatedAt = Date(timeIntervalSince1970: 1_707_912_001.987_6)
            try await repository.create(session)
            let stored = try #require(try await repository.get("sess-time"))
            #expect(stored == session.truncatedToMilliseconds)
            #expect(stored.createdAt.epochMilliseconds == 1_707_912_000_123)
            #expect(stored.updatedAt.epochMilliseconds == 1_707_912_001_988)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func duplicateIdIsDuplicateKeyAndKeepsTheFirstRow(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let first = Fixtures.session("sess-dup", device: "cam-1")
            try await repository.create(first)
            await #expect {
                try await repository.create(Fixtures.session("sess-dup", device: "cam-2"))
            } throws: { error in
                guard case StoreError.duplicateKey = error else { return false }
                return true
            }
            #expect(try await repository.get("sess-dup") == first)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func upsertClosesASessionAndInsertsANewOne(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            var session = Fixtures.session("sess-close", status: .recording)
            try await repository.create(session)
            session.status = .completed
            session.edgeEndTs = Fixtures.baseMs + 45_000
            session.mediaDurationSec = 45
            session.segmentCount = 23
            session.bytes = 12_345_678
            session.updatedAt = Date(epochMilliseconds: Fixtures.baseMs + 46_000)
            try await repository.upsert(session)
            try await repository.upsert(session)  // idempotent: journal replay repeats it
            #expect(try await repository.get("sess-close") == session)

            let fresh = Fixtures.session("sess-upserted")
            try await repository.upsert(fresh)
            #expect(try await repository.get("sess-upserted") == fresh)
            #expect(try await repository.list(SessionQuery()).count == 2)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func deleteRemovesOnlyThatRow(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            try await repository.create(Fixtures.session("sess-a"))
            try await repository.create(Fixtures.session("sess-b"))
            #expect(try await repository.delete("sess-a"))
            #expect(try await repository.get("sess-a") == nil)
            #expect(try await repository.delete("sess-a") == false)
            #expect(try await repository.get("sess-b") != nil)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func listIsNewestFirstAndFilters(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let rows = [
                Fixtures.session("s1", device: "cam-1", status: .completed, createdMs: Fixtures.baseMs),
                Fixtures.session("s2", device: "cam-2", status: .recording, createdMs: Fixtures.baseMs + 1),
                Fixtures.session("s3", device: "cam-1", status: .recording, createdMs: Fixtures.baseMs + 2),
                // Same instant as s3: the id breaks the tie, byte order ('-' 0x2D < '_' 0x5F < 'a').
                Fixtures.session("s3-b", device: "cam-2", status: .failed, createdMs: Fixtures.baseMs + 2),
                Fixtures.session("s3_b", device: "cam-1", status: .completed, createdMs: Fixtures.baseMs + 2),
            ]
            for row in rows.shuffled() { try await repository.create(row) }
            func ids(_ query: SessionQuery) async throws -> [String] {
                try await repository.list(query).map(\.sessionId)
            }
            #expect(try await ids(SessionQuery()) == ["s3_b", "s3-b", "s3", "s2", "s1"])
            #expect(try await ids(SessionQuery(limit: 2)) == ["s3_b", "s3-b"])
            #expect(try await ids(SessionQuery(limit: 0)) == [])
            #expect(try await ids(SessionQuery(status: .recording)) == ["s3", "s2"])
            #expect(try await ids(SessionQuery(deviceId: "cam-1")) == ["s3_b", "s3", "s1"])
            #expect(try await ids(SessionQuery(status: .completed, deviceId: "cam-1")) == ["s3_b", "s1"])
            #expect(try await ids(SessionQuery(deviceId: "cam-9")) == [])
            #expect(try await ids(SessionQuery(before: "s3-b")) == ["s3", "s2", "s1"])
            // The cursor row itself need not match the filter.
            #expect(try await ids(SessionQuery(status: .recording, before: "s3-b")) == ["s3", "s2"])
            #expect(try await ids(SessionQuery(before: "s1")) == [])
            #expect(try await ids(SessionQuery(before: "no-such-session")) == [])
        }
    }

    @Test(arguments: RepositoryKind.available)
    func paginationVisitsEveryRowOnceInOrder(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            var all: [Session] = []
            for index in 0..<37 {
                // Several rows share each instant, so the session_id tie-break is exercised.
                let session = Fixtures.session(
                    "sess-\(index)", device: index.isMultiple(of: 3) ? "cam-1" : "cam-2",
                    createdMs: Fixtures.baseMs + Int64(index / 4))
                all.append(session)
                try await repository.create(session)
            }
            let expected = try await repository.list(SessionQuery(limit: 500))
            #expect(Set(expected.map(\.sessionId)) == Set(all.map(\.sessionId)))
            var seen: [Session] = []
            var cursor: String?
            while true {
                let page = try await repository.list(SessionQuery(limit: 5, before: cursor))
                guard let last = page.last else { break }
                seen += page
                cursor = last.sessionId
            }
            #expect(seen == expected)
            let createdDescending = zip(expected, expected.dropFirst()).allSatisfy { $0.createdAt >= $1.createdAt }
            #expect(createdDescending)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func sessionsByNodeAndStatus(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            try await repository.create(Fixtures.session("a1", status: .recording, node: "node-a"))
            try await repository.create(Fixtures.session("a2", status: .starting, createdMs: Fixtures.baseMs + 1, node: "node-a"))
            try await repository.create(Fixtures.session("a3", status: .completed, node: "node-a"))
            try await repository.create(Fixtures.session("b1", status: .recording, node: "node-b"))
            let unfinished = try await repository.sessions(node: "node-a", statuses: [.starting, .recording])
            #expect(unfinished.map(\.sessionId) == ["a2", "a1"])
            #expect(try await repository.sessions(node: "node-a", statuses: []).isEmpty)
            #expect(try await repository.sessions(node: "node-c", statuses: SessionStatus.allCases).isEmpty)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func statusCountsCountRowsPerStatus(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            #expect(try await repository.statusCounts() == [:])
            try await repository.create(Fixtures.session("c1", status: .recording))
            try await repository.create(Fixtures.session("c2", status: .recording))
            try await repository.create(Fixtures.session("c3", status: .failed))
            #expect(try await repository.statusCounts() == [.recording: 2, .failed: 1])
        }
    }

    @Test(arguments: RepositoryKind.available)
    func fiftyConcurrentCreatesAllLand(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { try await repository.create(Fixtures.session("sess-c\(index)")) }
                }
                try await group.waitForAll()
            }
            let ids = try await repository.list(SessionQuery(limit: 500)).map(\.sessionId)
            #expect(ids.count == 50)
            #expect(Set(ids) == Set((0..<50).map { "sess-c\($0)" }))
        }
    }

    @Test(arguments: RepositoryKind.available)
    func nulBytesAreRejectedBeforeTheDatabase(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            var session = Fixtures.session("sess-nul")
            session.error = "broken\u{0}tail"
            await #expect {
                try await repository.create(session)
            } throws: { error in
                guard case StoreError.invalidParameter = error else { return false }
                return true
            }
            let stored = try await repository.get("sess-nul")
            #expect(stored == nil)
            await #expect {
                _ = try await repository.list(SessionQuery(deviceId: "cam\u{0}"))
            } throws: { error in
                guard case StoreError.invalidParameter = error else { return false }
                return true
            }
        }
    }

    @Test(arguments: RepositoryKind.available)
    func healthyWhileTheDatabaseAnswers(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            #expect(await repository.isHealthy())
        }
    }
}
