import Foundation
import Media
import Sessions

extension SessionManager {
    /// Follows one pipeline until its last event; the row is kept current through the journal.
    func follow(_ pipeline: RecordingPipeline, sessionId: String) async {
        for await event in pipeline.events {
            await handle(event, sessionId: sessionId)
        }
        // A pipeline that ended without its final event still must not stay "recording".
        if live[sessionId] != nil {
            await finish(sessionId, outcome: .failed(reason: "the recording pipeline ended without a final report"), stats: nil)
        }
    }

    func handle(_ event: PipelineEvent, sessionId: String) async {
        guard live[sessionId] != nil else { return }
        switch event {
        case .started(let firstFrameEpochMs):
            update(sessionId) { session in
                session.status = .recording
                session.edgeStartTs = firstFrameEpochMs
            }
            resumeStartWaiters(sessionId)
            await persist(sessionId)
        case .segmentWritten(_, let stats):
            apply(stats, to: sessionId)
            await persist(sessionId)
        case .progress(let stats):
            apply(stats, to: sessionId, touchRow: false)
        case .finished(let outcome, let stats):
            await finish(sessionId, outcome: outcome, stats: stats)
        }
    }

    /// Every event carries cumulative stats; frame counters advance by the difference to the last ones seen.
    private func apply(_ stats: PipelineStats, to sessionId: String, touchRow: Bool = true) {
        metrics.progress(sessionId: sessionId, stats: stats, previous: live[sessionId]?.stats)
        live[sessionId]?.stats = stats
        guard touchRow, let before = live[sessionId]?.session else { return }
        metrics.segmentsWritten(max(0, stats.segmentCount - before.segmentCount), bytes: max(0, stats.bytes - before.bytes))
        update(sessionId) { session in
            session.mediaDurationSec = stats.mediaDurationSec
            session.segmentCount = stats.segmentCount
            session.bytes = stats.bytes
            if let first = stats.firstFrameEpochMs, session.edgeStartTs == nil { session.edgeStartTs = first }
            if let last = stats.lastFrameEpochMs { session.edgeEndTs = last }
        }
    }

    private func update(_ sessionId: String, _ change: (inout Session) -> Void) {
        guard var session = live[sessionId]?.session else { return }
        change(&session)
        session.updatedAt = Date.millisecondPrecision()
        live[sessionId]?.session = session
    }

    private func persist(_ sessionId: String) async {
        guard let session = live[sessionId]?.session else { return }
        await journal.record(session)
    }

    func finish(_ sessionId: String, outcome: PipelineOutcome, stats: PipelineStats?) async {
        guard let recording = live[sessionId] else { return }
        if let stats { apply(stats, to: sessionId) }
        let status: SessionStatus
        var reason: String?
        switch outcome {
        case .failed(let why):
            status = .failed
            reason = why
        case .stopped where shuttingDown && !recording.closeRequested:
            status = .interrupted
        case .stopped, .reachedDuration:
            status = .completed
        }
        update(sessionId) { session in
            session.status = status
            session.error = reason
            if session.edgeEndTs == nil { session.edgeEndTs = session.edgeStartTs }
        }
        guard let ended = live.removeValue(forKey: sessionId) else { return }
        if let device = ended.session.device, devicesInUse[device] == sessionId { devicesInUse[device] = nil }
        metrics.sessionEnded(sessionId: sessionId, status: status, reason: reason, active: live.count)
        var sessionLogger = logger
        sessionLogger[metadataKey: "session_id"] = "\(sessionId)"
        if let reason {
            sessionLogger.error("session failed", metadata: ["reason": "\(reason)", "media_sec": "\(ended.session.mediaDurationSec)"])
        } else {
            sessionLogger.info("session ended", metadata: [
                "status": "\(status.rawValue)", "media_sec": "\(ended.session.mediaDurationSec)",
                "segments": "\(ended.session.segmentCount)", "bytes": "\(ended.session.bytes)",
            ])
        }
        await journal.record(ended.session)
        ended.startWaiters.forEach { $0.resume() }
        ended.finishWaiters.forEach { $0.resume(returning: ended.session) }
    }
}
