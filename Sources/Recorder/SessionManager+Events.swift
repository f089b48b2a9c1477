import Foundation
import Media
import Sessions

extension SessionManager {
    /// Follows one pipeline until its last event; the row is kept current through the journal.
    func follow(_ pipeline: any Recording, sessionId: String) async {
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
        case .segmentWritten(let fileName, let stats):
            // The muxer renamed the playlist listing this segment into place before reporting it.
            changes.changed(sessionId)
            apply(stats, to: sessionId)
            await persist(sessionId)
            await indexListedSegments(sessionId, upTo: fileName)
        case .progress(let stats):
            let reconnectsBefore = live[sessionId]?.session.reconnects ?? 0
            if stats.reconnects > reconnectsBefore {
                // A pull came back: `reconnects` is updated live, not only at the next segment.
                if live[sessionId]?.kind == .pull { ingestMetrics.pullReconnects.increment(by: stats.reconnects - reconnectsBefore) }
                apply(stats, to: sessionId)
                await persist(sessionId)
            } else {
                apply(stats, to: sessionId, touchRow: false)
            }
        case .motion(let event):
            reportMotion(event, sessionId: sessionId)
        case .finished(let outcome, let stats):
            await finish(sessionId, outcome: outcome, stats: stats)
        }
    }

    /// Hands a motion event to the sink without waiting: its store may be slow or down.
    private func reportMotion(_ event: MotionEvent, sessionId: String) {
        metrics.motionDetected()
        let sink = config.motionSink
        let bbox = event.box.map { (x: $0.x, y: $0.y, w: $0.w, h: $0.h) }
        let threshold = config.frameAnalysis.motion?.threshold ?? event.score
        Task.detached { [self] in
            await sink.motionDetected(sessionId: sessionId, at: event.date, score: event.score, bbox: bbox)
            await storeMotion(event, sessionId: sessionId, threshold: threshold)
        }
    }

    /// Keeps a motion event as a `motion` detection, so the timeline and the search show it with no outside
    /// detector. Its id comes from its time, so a retry after an outage stores it once; the retries stop
    /// after about a minute and a half (a detector outside would retry the same way).
    nonisolated func storeMotion(_ event: MotionEvent, sessionId: String, threshold: Double) async {
        guard detectionRepository != nil else { return }
        let millis = Int64((event.date.timeIntervalSince1970 * 1000).rounded())
        // The score at the threshold reads 0.5 and twice the threshold or more reads 1.
        let confidence = min(1, max(0, event.score / max(threshold, 1e-6) / 2))
        let item = DetectionInput(
            id: "motion-\(millis)", time: .ts(event.date), label: "motion", confidence: confidence,
            bbox: event.box,
            attributesJSON: "{\"score\":\(event.score)}")
        for attempt in 0..<18 {
            do {
                _ = try await recordDetections(sessionId: sessionId, items: [item])
                return
            } catch where error.kind == .unavailable && attempt < 17 {
                try? await Task.sleep(for: .seconds(5))
            } catch {
                logger.warning("motion detection not stored", metadata: [
                    "session_id": "\(sessionId)", "error": "\(error)"])
                return
            }
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
            if let stream = stats.stream {
                // A copy session reports the stream's own values, not requested ones.
                session.videoCodec = stream.videoCodec
                session.audioCodec = stream.audioCodec
                session.transcoded = stream.transcoded
                if stream.width > 0 { session.width = stream.width }
                if stream.height > 0 { session.height = stream.height }
                if stream.fps > 0 { session.fps = Int(stream.fps.rounded()) }
            }
            session.reconnects = max(session.reconnects, stats.reconnects)
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

    @discardableResult
    func finish(_ sessionId: String, outcome: PipelineOutcome, stats: PipelineStats?) async -> Session? {
        guard let recording = live[sessionId] else { return nil }
        // The trailer (ENDLIST) is on disk by now.
        changes.changed(sessionId)
        recording.publishTimer?.cancel()
        if let publisher = recording.publisher {
            countTraffic(of: publisher)
            publisher.disconnect()
        }
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
        guard let ended = live.removeValue(forKey: sessionId) else { return nil }
        if ended.kind == .publish { ingestMetrics.publishers.record(connectedPublishers) }
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
        // The last segment is listed only with the trailer; its row goes before the final status.
        _ = await indexSegments(of: ended.session, after: ended.indexedSeq)
        await journal.record(ended.session)
        ended.startWaiters.forEach { $0.resume() }
        ended.finishWaiters.forEach { $0.resume(returning: ended.session) }
        return ended.session
    }
}
