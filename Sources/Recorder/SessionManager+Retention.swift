import Foundation
import Sessions

extension SessionManager {
    /// One retention pass: oldest ended sessions first, never one that is recording. Deleting goes through
    /// `delete`, files then row, so a crash between the two leaves a row without files, repaired here.
    @discardableResult
    public func applyRetention(_ policy: RetentionPolicy, now: Date = Date()) async throws(RecorderError) -> RetentionReport {
        var report = RetentionReport()
        // This node's sessions only (§12): another node's rows have no files here, and are its to retire.
        let ended = try await allSessions().filter { $0.node == config.nodeId && $0.status.isEnded && live[$0.sessionId] == nil }
            .sorted { ($0.createdAt, $0.sessionId) < ($1.createdAt, $1.sessionId) }
        var kept: [Session] = []
        for session in ended {
            let directory = config.directory(for: session.sessionId)
            if !FileManager.default.fileExists(atPath: directory.path) {
                await journal.recordDelete(session.sessionId)
                logger.notice("retention removed a row whose files were already gone", metadata: ["session_id": "\(session.sessionId)"])
                report.repaired.append(session.sessionId)
            } else if let maxAge = policy.maxAgeSec, now.timeIntervalSince(session.createdAt) > maxAge {
                try await retire(session, reason: "older than \(Int(maxAge)) s", into: &report)
            } else {
                kept.append(session)
            }
        }
        if let maxTotal = policy.maxTotalBytes {
            // One walk gives both the total (recording sessions included) and what each deletion frees.
            let sizes = DiskSpace.usedBytesPerDirectory(in: config.recordingsDirectory)
            var total = sizes.values.reduce(0, +)
            while total > maxTotal, !kept.isEmpty {
                let oldest = kept.removeFirst()
                try await retire(oldest, reason: "recordings exceed \(maxTotal) bytes", into: &report)
                total -= sizes[oldest.sessionId] ?? 0
            }
        }
        if let floor = policy.minFreeBytes {
            while let free = DiskSpace.availableBytes(at: config.dataDirectory), free < floor, !kept.isEmpty {
                let oldest = kept.removeFirst()
                try await retire(oldest, reason: "free space below \(floor) bytes", into: &report)
            }
        }
        return report
    }

    private func retire(_ session: Session, reason: String, into report: inout RetentionReport) async throws(RecorderError) {
        logger.notice("retention deletes a session", metadata: [
            "session_id": "\(session.sessionId)", "reason": "\(reason)", "created_at": "\(session.createdAt)",
        ])
        do {
            try await delete(session.sessionId)
            report.deleted.append(session.sessionId)
        } catch let error where error.kind == .notFound {
            return
        }
    }

    /// Every row, paging through the list query.
    func allSessions() async throws(RecorderError) -> [Session] {
        var sessions: [Session] = []
        var query = SessionQuery(limit: 500)
        while true {
            let page = try await list(query)
            sessions += page
            guard page.count == query.limit, let last = page.last else { return sessions }
            query.before = last.sessionId
        }
    }
}
