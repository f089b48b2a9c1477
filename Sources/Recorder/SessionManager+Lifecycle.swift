import Foundation
import Media
import Sessions

extension SessionManager {
    /// Ends every recording with its trailer written, marks them `interrupted`, and drains the journal,
    /// within `shutdownTimeoutSec`. New sessions are refused from the first moment.
    public func shutdown() async {
        shuttingDown = true
        // A camera between two sessions must not roll into a new one now.
        for pull in cameraPulls.values { pull.stop() }
        let ids = Array(live.keys)
        guard !ids.isEmpty else {
            await journal.flush()
            return
        }
        logger.info("stopping recordings for shutdown", metadata: ["count": "\(ids.count)"])
        for id in ids {
            live[id]?.publisher?.disconnect()
            if let recording = live[id]?.recording {
                recording.stop()
            } else {
                await finishWithoutMedia(id, outcome: .stopped)
            }
        }
        let deadline = ContinuousClock.now + .seconds(config.shutdownTimeoutSec)
        // A pipeline that cannot finish (a hung device) must not hold the process: at the deadline
        // every waiter is released and what is still live is marked below.
        let timer = Task {
            try? await Task.sleep(until: deadline)
            await self.releaseFinishWaiters()
        }
        for id in ids where live[id] != nil && ContinuousClock.now < deadline {
            _ = await waitUntilFinished(id)
        }
        timer.cancel()
        for (id, recording) in live {
            logger.error("recording did not finish within the shutdown bound", metadata: ["session_id": "\(id)"])
            var session = recording.session
            session.status = .interrupted
            session.updatedAt = Date.millisecondPrecision()
            await journal.record(session)
        }
        await journal.flush()
    }

    func releaseFinishWaiters() {
        for id in live.keys {
            let waiters = live[id]?.finishWaiters ?? []
            live[id]?.finishWaiters = []
            if let session = live[id]?.session { waiters.forEach { $0.resume(returning: session) } }
        }
    }

    /// Crash recovery: sessions this node left `starting`/`recording` get a finalized playlist (torn last
    /// segment dropped), numbers recomputed from disk, and status `interrupted`.
    public func recover() async throws(RecorderError) -> [Session] {
        do {
            try FileManager.default.createDirectory(at: config.recordingsDirectory, withIntermediateDirectories: true)
            try await journal.load()
        } catch {
            throw RecorderError(.unavailable, code: "storage_unavailable", "Cannot prepare \(config.dataDirectory.path): \(error)")
        }
        var stale: [String: Session] = [:]
        do {
            for session in try await repository.sessions(node: config.nodeId, statuses: [.starting, .recording]) {
                stale[session.sessionId] = session
            }
        } catch {
            logger.warning("database unavailable during recovery; recovering from the journal only", metadata: ["error": "\(error)"])
        }
        for session in await journal.pendingSessions() where !session.status.isEnded && session.node == config.nodeId {
            stale[session.sessionId] = session
        }
        return await finalizeLeftovers(Array(stale.values))
    }

    /// Finalizes sessions a previous run left unfinished: playlist closed, numbers from disk, `interrupted`.
    func finalizeLeftovers(_ stale: [Session]) async -> [Session] {
        var recovered: [Session] = []
        for var session in stale where live[session.sessionId] == nil {
            do {
                let stats = try PlaylistRecovery.finalize(directory: config.directory(for: session.sessionId))
                session.mediaDurationSec = stats.mediaDurationSec
                session.segmentCount = stats.segmentCount
                session.bytes = stats.bytes
            } catch {
                session.error = "recovery could not finalize the playlist: \(error)"
            }
            session.status = .interrupted
            session.updatedAt = Date.millisecondPrecision()
            logger.notice("recovered a session left unfinished", metadata: [
                "session_id": "\(session.sessionId)", "segments": "\(session.segmentCount)", "media_sec": "\(session.mediaDurationSec)",
            ])
            await journal.record(session)
            recovered.append(session)
        }
        await journal.flush()
        return recovered
    }
}
