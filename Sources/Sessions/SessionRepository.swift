import Foundation

/// Persistence of sessions. Implemented on PostgreSQL (`PostgresSessionRepository`) and in memory
/// (`InMemorySessionRepository`, for fast handler tests).
public protocol SessionRepository: Sendable {
    /// Inserts a new row; throws an error whose `RepositoryFailure.isDuplicateKey` is true when the id exists.
    func create(_ session: Session) async throws
    /// Inserts or replaces the row with this id (idempotent: journal replay relies on it).
    func upsert(_ session: Session) async throws
    func get(_ sessionId: String) async throws -> Session?
    func list(_ query: SessionQuery) async throws -> [Session]
    /// Every session with one of these statuses recorded by `node` (crash recovery).
    func sessions(node: String, statuses: [SessionStatus]) async throws -> [Session]
    /// Removes the row; false when it did not exist.
    @discardableResult func delete(_ sessionId: String) async throws -> Bool
    /// Number of rows per status (statuses without rows are absent).
    func statusCounts() async throws -> [SessionStatus: Int]
    /// True when the database answers a trivial query now.
    func isHealthy() async -> Bool
}

/// What a repository's errors tell their callers without naming the storage engine.
public protocol RepositoryFailure: Error {
    /// A row with this key exists already.
    var isDuplicateKey: Bool { get }
}
