import Foundation
import Media
import Sessions

extension SessionManager {
    /// A pull: the source is opened (connection and stream information) before the POST answers,
    /// so an unreachable URL is a 422 with libavformat's reason and leaves nothing behind.
    /// With `rollover` (an `always` camera) the pull has no duration limit of its own: it continues
    /// into new sessions, which `rollover.recordings` announces.
    func startPull(_ start: ValidatedStart, rollover: PullRollover? = nil) async throws(RecorderError) -> (Session, PullPipeline) {
        guard let url = start.url else {
            throw RecorderError(.invalid, code: "invalid_source_url", "A pull needs a URL.")
        }
        let sessionId = try reserve(start, kind: .pull)
        var reservationHeld = true
        defer { if reservationHeld { release(kind: .pull) } }

        let directory = config.directory(for: sessionId)
        var spec = PullSpec(
            url: url,
            recording: CopySpec(
                sessionId: sessionId, directory: directory, segmentSeconds: config.segmentSeconds,
                segmentFormat: config.segmentFormat,
                maxMediaSeconds: rollover == nil ? start.maxMediaSeconds ?? config.maxDurationSec : nil,
                analysis: config.frameAnalysis),
            openTimeoutSeconds: config.sourceOpenTimeoutSec, stallTimeoutSeconds: max(config.stallTimeoutSec, 5),
            encoder: config.encoder)
        spec.rollover = rollover
        let sessionLogger = sessionLogger(sessionId)
        let pipeline = PullPipeline(spec: spec, logger: sessionLogger)
        let info: PullSourceInfo
        do {
            info = try await pipeline.open()
        } catch {
            removeReservedDirectory(for: sessionId)
            ingestMetrics.pullOpenFailures.increment()
            sessionLogger.notice("pull source unreachable", metadata: ["url": "\(url.redacted)", "error": "\(error)"])
            throw RecorderError(.invalid, code: "source_unreachable", "\(SourceURL.redact("\(error)")). Check the URL, the credentials and that the source is up.")
        }
        guard !shuttingDown else {
            pipeline.stop()
            removeReservedDirectory(for: sessionId)
            throw RecorderError(.atCapacity, code: "shutting_down", "streamd is shutting down and takes no new sessions.")
        }

        var session = newSession(sessionId, start, source: "pull")
        session.sourceUrl = url.redacted
        // The recording's codec, not the source's: a transcoded source is recorded as H.264.
        session.videoCodec = info.transcoded ? "h264" : info.videoCodec
        session.audioCodec = info.audioCodec
        session.transcoded = info.transcoded
        if info.width > 0 { session.width = info.width }
        if info.height > 0 { session.height = info.height }
        if info.fps > 0 { session.fps = Int(info.fps.rounded()) }
        do {
            try await insertReserved(session)
        } catch {
            pipeline.stop()
            throw error
        }
        reservationHeld = false
        release(kind: .pull)
        live[sessionId] = LiveRecording(session: session, kind: .pull, recording: pipeline)
        metrics.sessionStarted(source: "pull", active: live.count)
        sessionLogger.info("pull session started", metadata: [
            "url": "\(url.redacted)", "format": "\(info.formatName)", "video": "\(info.videoCodec)",
            "audio": "\(info.audioCodec ?? "none")", "transcoded": "\(info.transcoded)",
            "size": "\(session.width)x\(session.height)",
        ])
        pipeline.start()
        Task { await self.follow(pipeline, sessionId: sessionId) }
        return (live[sessionId]?.session ?? session, pipeline)
    }
}
