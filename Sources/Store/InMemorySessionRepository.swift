import Sessions
/// `SessionRepository` in memory, with the PostgreSQL repository's semantics: millisecond
/// timestamps, list order (newest first, then id descending by bytes), filters, cursor,
/// `duplicateKey`, NUL bytes rejected. For fast tests of code built on the protocol.
public actor InMemorySessionRepository: SessionRepository {
    private var rows: [String: Session]
    private var healthy = true
    /// The segment index: rows by session, then seq (`InMemorySessionRepository+Segments.swift`).
    var segmentRows: [String: [Int: Segment]] = [:]
    /// Detections by session, then id (`InMemorySessionRepository+Detections.swift`).
    var detectionRows: [String: [String: Detection]] = [:]

    public init(sessions: [Session] = []) {
        var rows: [String: Session] = [:]
        for session in sessions {
            rows[session.sessionId] = session.truncatedToMilliseconds
        }
        self.rows = rows
    }

    /// Lets tests make `isHealthy` report a database outage.
    public func setHealthy(_ healthy: Bool) {
        self.healthy = healthy
    }

    public func create(_ session: Session) throws {
        try rejectNUL(session.textFields, statement: "create_session")
        guard rows[session.sessionId] == nil else {
            throw StoreError.duplicateKey(
                message: "Key (session_id)=(\(session.sessionId)) already exists.", statement: "create_session")
        }
        rows[session.sessionId] = session.truncatedToMilliseconds
    }

    public func upsert(_ session: Session) throws {
        try rejectNUL(session.textFields, statement: "upsert_session")
        rows[session.sessionId] = session.truncatedToMilliseconds
    }

    public func get(_ sessionId: String) throws -> Session? {
        try rejectNUL([sessionId], statement: "get_session")
        return rows[sessionId]
    }

    public func list(_ query: SessionQuery) throws -> [Session] {
        try rejectNUL([query.status?.rawValue, query.deviceId, query.before], statement: "list_sessions")
        var cursor: Session?
        if let before = query.before {
            // Like the SQL subquery: the cursor row is looked up ignoring the filters.
            guard let found = rows[before] else { return [] }
            cursor = found
        }
        let page = rows.values
            .filter { session in
                (query.status == nil || session.status == query.status)
                    && (query.deviceId == nil || session.deviceId == query.deviceId)
                    && (cursor.map { $0.precedesInList(session) } ?? true)
            }
            .sorted { $0.precedesInList($1) }
        return Array(page.prefix(max(0, query.limit)))
    }

    public func sessions(node: String, statuses: [SessionStatus]) throws -> [Session] {
        try rejectNUL([node], statement: "sessions_by_node")
        return rows.values
            .filter { $0.node == node && statuses.contains($0.status) }
            .sorted { $0.precedesInList($1) }
    }

    @discardableResult
    public func delete(_ sessionId: String) throws -> Bool {
        try rejectNUL([sessionId], statement: "delete_session")
        segmentRows[sessionId] = nil  // ON DELETE CASCADE
        detectionRows[sessionId] = nil
        return rows.removeValue(forKey: sessionId) != nil
    }

    public func statusCounts() -> [SessionStatus: Int] {
        rows.values.reduce(into: [:]) { counts, session in counts[session.status, default: 0] += 1 }
    }

    public func isHealthy() -> Bool {
        healthy
    }

    /// PostgreSQL text cannot hold NUL; fail exactly where `PGConnection` would.
    private func rejectNUL(_ values: [String?], statement: String) throws(StoreError) {
        if let index = values.firstIndex(where: { $0?.utf8.contains(0) ?? false }) {
            throw .invalidParameter(index: index, statement: statement)
        }
    }
}
