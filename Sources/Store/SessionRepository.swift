import Foundation

/// A page request for `GET /sessions`: newest first (`created_at`, then `session_id`, descending).
public struct SessionQuery: Sendable, Equatable {
    public var limit: Int
    public var status: SessionStatus?
    public var deviceId: String?
    /// Cursor: only sessions strictly older than this session (in list order). An unknown id yields an empty page.
    public var before: String?

    public init(limit: Int = 50, status: SessionStatus? = nil, deviceId: String? = nil, before: String? = nil) {
        self.limit = limit
        self.status = status
        self.deviceId = deviceId
        self.before = before
    }
}

/// Persistence of sessions. Implemented on PostgreSQL (`PostgresSessionRepository`) and in memory
/// (`InMemorySessionRepository`, for fast handler tests).
public protocol SessionRepository: Sendable {
    /// Inserts a new row; throws `StoreError.duplicateKey` when the id exists.
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
