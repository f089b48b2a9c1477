import Foundation
import Sessions

extension SessionManager {
    /// True when this session's files are on this node's disk (it records here, or did): such a
    /// session is this node's to serve, close and delete, without asking the database.
    public func isHere(_ sessionId: String) -> Bool {
        live[sessionId] != nil || FileManager.default.fileExists(atPath: config.directory(for: sessionId).path)
    }

    /// Crash recovery of the rows the database had when this node started without it: sessions of this
    /// node it still has `starting`/`recording` that neither record now nor wait in the journal.
    /// Run once the node holds its lock again, so no other daemon with this node id records them.
    public func recoverDatabaseRows() async -> [Session] {
        await journal.flush()
        let rows: [Session]
        do {
            rows = try await repository.sessions(node: config.nodeId, statuses: [.starting, .recording])
        } catch {
            logger.warning("database unavailable during late recovery", metadata: ["error": "\(error)"])
            return []
        }
        var stale: [Session] = []
        for session in rows where live[session.sessionId] == nil {
            if await journal.pendingSession(session.sessionId) == nil { stale.append(session) }
        }
        let recovered = await finalizeLeftovers(stale)
        await journal.flush()
        return recovered
    }
}
