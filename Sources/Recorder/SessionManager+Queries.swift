import Foundation
import Sessions

extension SessionManager {
    /// Stops a recording now and returns its final row once the trailer is on disk.
    /// An ended session is returned as it is.
    public func close(_ sessionId: String) async throws(RecorderError) -> Session {
        guard live[sessionId] != nil else {
            guard let session = try await session(sessionId) else { throw RecorderError.notFound(sessionId) }
            return session
        }
        live[sessionId]?.closeRequested = true
        guard let recording = live[sessionId]?.recording else {
            // A publish session still waiting for its publisher: nothing was recorded, it ends now.
            guard let ended = await finishWithoutMedia(sessionId, outcome: .stopped) else { throw RecorderError.notFound(sessionId) }
            return ended
        }
        live[sessionId]?.publisher?.disconnect()
        recording.stop()
        return await waitUntilFinished(sessionId)
    }

    func waitUntilFinished(_ sessionId: String) async -> Session {
        await withCheckedContinuation { (continuation: CheckedContinuation<Session, Never>) in
            live[sessionId]?.finishWaiters.append(continuation)
        }
    }

    /// The freshest view: the live row for sessions recording here, then the journal, then the database.
    public func session(_ sessionId: String) async throws(RecorderError) -> Session? {
        if let recording = live[sessionId] { return recording.session }
        if await journal.isPendingDelete(sessionId) { return nil }
        if let pending = await journal.pendingSession(sessionId) { return pending }
        do {
            return try await repository.get(sessionId)
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    /// Sessions for this node only (the journal's included), used where the database cannot answer.
    func currentSession(_ sessionId: String) async -> Session? {
        if let recording = live[sessionId] { return recording.session }
        return await journal.pendingSession(sessionId)
    }

    public func list(_ query: SessionQuery) async throws(RecorderError) -> [Session] {
        do {
            return try await repository.list(query).map { live[$0.sessionId]?.session ?? $0 }
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    /// Removes an ended session's files, then its row. A crash between the two leaves a row without
    /// files, which the next delete or retention pass finishes.
    public func delete(_ sessionId: String) async throws(RecorderError) {
        if live[sessionId] != nil {
            throw RecorderError(.conflict, code: "session_recording", "Session \(sessionId) is still recording; close it first.")
        }
        let directory = config.directory(for: sessionId)
        let hasFiles = FileManager.default.fileExists(atPath: directory.path)
        let row = try await session(sessionId)
        guard row != nil || hasFiles else { throw RecorderError.notFound(sessionId) }
        if hasFiles {
            do {
                try FileManager.default.removeItem(at: directory)
                changes.changed(sessionId)
            } catch {
                changes.changed(sessionId)
                throw RecorderError(.conflict, code: "delete_failed", "Cannot remove the files of \(sessionId): \(error.localizedDescription)")
            }
        }
        await journal.recordDelete(sessionId)
        await exports.drop(sessionId: sessionId)
        mediaClocks.forget(sessionId)
        metrics.sessionDeleted()
        logger.info("session deleted", metadata: ["session_id": "\(sessionId)"])
    }

    static func databaseUnavailable(_ error: any Error) -> RecorderError {
        RecorderError(.unavailable, code: "database_unavailable", "The session database cannot be reached (\(error)); recordings continue and this answer will be available when it returns.")
    }
}

extension SessionManager {
    public func isDatabaseHealthy() async -> Bool {
        await repository.isHealthy()
    }

    public func journalBacklog() async -> Int {
        await journal.backlog
    }
}

extension SessionManager {
    /// Rows per status from the database, nil while it is unreachable.
    public func statusCounts() async -> [String: Int]? {
        do {
            var counts: [String: Int] = [:]
            for status in SessionStatus.allCases { counts[status.rawValue] = 0 }
            for (status, count) in try await repository.statusCounts() { counts[status.rawValue] = count }
            return counts
        } catch {
            return nil
        }
    }
}
