import StreamdTestSupport
import Sessions
import Store
import Testing

/// The repositories the shared semantic tests run against.
enum RepositoryKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory
    case postgres

    var testDescription: String { rawValue }

    /// PostgreSQL only when the test database is configured; its own suites show the skip.
    static var available: [RepositoryKind] {
        TestDatabase.isConfigured ? allCases : [.inMemory]
    }

    func withRepository<T>(_ body: (any SessionRepository) async throws -> T) async throws -> T {
        switch self {
        case .inMemory:
            return try await body(InMemorySessionRepository())
        case .postgres:
            return try await TestDatabase.withDatabase { pool, _ in
                try await body(PostgresSessionRepository(pool: pool))
            }
        }
    }
}
