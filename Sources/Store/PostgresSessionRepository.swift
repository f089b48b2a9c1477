import Sessions
import Logging

/// `SessionRepository` on PostgreSQL through the connection pool. Every statement is safe to
/// retry once after a lost connection: writes are keyed by `session_id`.
public struct PostgresSessionRepository: SessionRepository {
    public let pool: ConnectionPool
    /// How long `isHealthy` waits for `SELECT 1` (connect included) before answering false.
    public let healthTimeout: Duration

    public init(pool: ConnectionPool, healthTimeout: Duration = .seconds(2)) {
        self.pool = pool
        self.healthTimeout = healthTimeout
    }

    public func create(_ session: Session) async throws {
        let stored = session.truncatedToMilliseconds
        try await pool.withConnection(statement: "create_session") { connection, attempt in
            try Self.insert(stored, on: connection, attempt: attempt)
        }
    }

    /// A retry (`attempt` > 1) follows a connection lost mid-insert, which may have committed. A
    /// duplicate then is our own first attempt when the stored row equals ours in every field.
    static func insert(_ stored: Session, on connection: PGConnection, attempt: Int) throws {
        do {
            try connection.execute(SessionRow.insert, SessionRow.parameters(stored), statement: "create_session")
        } catch {
            guard case .duplicateKey = error, attempt > 1 else { throw error }
            let existing = try SessionRow.decodeAll(
                connection.execute(SessionRow.selectById, [stored.sessionId], statement: "create_session_verify"))
            guard existing.first == stored else { throw error }
        }
    }

    public func upsert(_ session: Session) async throws {
        let stored = session.truncatedToMilliseconds
        try await pool.withConnection(statement: "upsert_session") { connection, _ in
            _ = try connection.execute(SessionRow.upsert, SessionRow.parameters(stored), statement: "upsert_session")
        }
    }

    public func get(_ sessionId: String) async throws -> Session? {
        try await pool.withConnection(statement: "get_session") { connection, _ in
            try SessionRow.decodeAll(
                connection.execute(SessionRow.selectById, [sessionId], statement: "get_session")
            ).first
        }
    }

    public func list(_ query: SessionQuery) async throws -> [Session] {
        let parameters = [query.status?.rawValue, query.deviceId, query.before, String(max(0, query.limit))]
        return try await pool.withConnection(statement: "list_sessions") { connection, _ in
            try SessionRow.decodeAll(connection.execute(SessionRow.list, parameters, statement: "list_sessions"))
        }
    }

    public func sessions(node: String, statuses: [SessionStatus]) async throws -> [Session] {
        guard !statuses.isEmpty else { return [] }
        // Status raw values are fixed identifiers, so the array literal needs no quoting.
        let array = "{" + statuses.map(\.rawValue).joined(separator: ",") + "}"
        return try await pool.withConnection(statement: "sessions_by_node") { connection, _ in
            try SessionRow.decodeAll(
                connection.execute(SessionRow.byNodeAndStatus, [node, array], statement: "sessions_by_node"))
        }
    }

    @discardableResult
    public func delete(_ sessionId: String) async throws -> Bool {
        try await pool.withConnection(statement: "delete_session") { connection, _ in
            try connection.execute(SessionRow.delete, [sessionId], statement: "delete_session").rowCount > 0
        }
    }

    public func statusCounts() async throws -> [SessionStatus: Int] {
        try await pool.withConnection(statement: "status_counts") { connection, _ in
            let result = try connection.execute(
                "SELECT status, count(*) AS n FROM sessions GROUP BY status", statement: "status_counts")
            var counts: [SessionStatus: Int] = [:]
            for row in 0..<result.rowCount {
                let status = try result.required(String.self, row: row, column: "status")
                if let known = SessionStatus(rawValue: status) {
                    counts[known] = try result.required(Int.self, row: row, column: "n")
                }
            }
            return counts
        }
    }

    public func isHealthy() async -> Bool {
        let pool = pool
        return await firstResult(within: healthTimeout, otherwise: false) {
            do {
                return try await pool.withConnection(statement: "health_check") { connection, _ in
                    try connection.execute("SELECT 1", statement: "health_check").rowCount == 1
                }
            } catch {
                return false
            }
        }
    }
}
