import Sessions
import Store

/// The repositories the shared semantic tests run against: every test target that takes a
/// repository runs on both, so a plain `swift test` (no database) still covers the logic.
public enum RepositoryKind: String, CaseIterable, Sendable {
    case inMemory
    case postgres

    /// PostgreSQL only when the test database is configured; its own suites show the skip.
    public static var available: [RepositoryKind] {
        TestDatabase.isConfigured ? allCases : [.inMemory]
    }

    public func withRepository<T>(_ body: (any SessionRepository) async throws -> T) async throws -> T {
        switch self {
        case .inMemory:
            return try await body(InMemorySessionRepository())
        case .postgres:
            return try await TestDatabase.withDatabase { pool, _ in
                try await body(PostgresSessionRepository(pool: pool, healthTimeout: .milliseconds(500)))
            }
        }
    }
}
