import Foundation
import Media
import RTSPServer
import Sessions

extension SessionManager {
    /// A `publish` session: its row exists at once (`starting`), its recording begins when an RTSP
    /// publisher announces on its path, and it fails if none comes within `publishWaitSec`.
    func startPublish(_ start: ValidatedStart) async throws(RecorderError) -> Session {
        let sessionId = try reserve(start, kind: .publish)
        defer { release(kind: .publish) }
        var session = newSession(sessionId, start, source: "publish")
        session.videoCodec = nil
        try await insertReserved(session)
        var recording = LiveRecording(session: session, kind: .publish, recording: nil)
        recording.maxMediaSeconds = start.maxMediaSeconds ?? config.maxDurationSec
        live[sessionId] = recording
        metrics.sessionStarted(source: "publish", active: live.count)
        sessionLogger(sessionId).info("publish session waits for its publisher", metadata: [
            "path": "/\(sessionId)", "wait_sec": "\(config.publishWaitSec)",
        ])
        let wait = config.publishWaitSec
        live[sessionId]?.publishTimer = Task {
            try? await Task.sleep(for: .seconds(wait))
            await self.publishWaitExpired(sessionId)
        }
        return session
    }

    /// The RTSP server's question at ANNOUNCE: may this publisher record on this path?
    func attachPublisher(_ request: PublishRequest, handle: PublisherHandle) async -> Result<any PublishSink, PublishRefusal> {
        let sessionId = request.path
        guard SessionID.isValid(sessionId) else {
            return .failure(PublishRefusal(status: 400, reason: "The path must be a session id: ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$, not a reserved name"))
        }
        guard !shuttingDown else { return .failure(.unavailable("streamd is shutting down")) }
        if live[sessionId] == nil {
            if let refusal = await createSessionForPublisher(sessionId, deviceId: request.query["deviceId"]) {
                return .failure(refusal)
            }
        }
        guard let entry = live[sessionId] else { return .failure(.notFound("Session \(sessionId) is not recording")) }
        guard entry.kind == .publish else {
            return .failure(.conflict("Session \(sessionId) records from another source (\(entry.session.source))"))
        }
        guard entry.publisher == nil else {
            return .failure(.conflict("Session \(sessionId) already has a publisher"))
        }
        guard !entry.closeRequested else { return .failure(.conflict("Session \(sessionId) is closing")) }

        let logger = sessionLogger(sessionId)
        let published: PublishedStreams
        let copy: AccessUnitRecording
        if let existing = entry.recording as? AccessUnitRecording {
            // Back within the grace: the same recording continues after a discontinuity.
            published = PublishedStreams(request.tracks, matching: existing.streams)
            guard published.streamIndexByTrack.values.contains(where: { !published.audioStreams.contains($0) }) else {
                return .failure(PublishRefusal(status: 415, reason: "The session records \(existing.streams.first?.codec.rawValue ?? "video"); publish the same codec"))
            }
            copy = existing
            copy.markDiscontinuity()
            live[sessionId]?.session.reconnects += 1
            ingestMetrics.publishReconnects.increment()
            logger.notice("publisher came back; the recording continues after a discontinuity", metadata: [
                "remote": "\(request.remoteAddress)", "reconnects": "\(live[sessionId]?.session.reconnects ?? 0)",
            ])
        } else {
            published = PublishedStreams(request.tracks)
            guard let video = published.streams.first, video.codec.isVideo else {
                return .failure(PublishRefusal(status: 415, reason: "No H.264 or H.265 video track"))
            }
            for track in request.tracks where !track.codec.isVideo && track.codec != .aac {
                logger.notice("audio track dropped: only AAC is recorded", metadata: ["codec": "\(track.codec)"])
            }
            let spec = CopySpec(
                sessionId: sessionId, directory: config.directory(for: sessionId), segmentSeconds: config.segmentSeconds,
                segmentFormat: config.segmentFormat, maxMediaSeconds: entry.maxMediaSeconds, analysis: config.frameAnalysis)
            copy = AccessUnitRecording(spec: spec, streams: published.streams, logger: logger)
            live[sessionId]?.recording = copy
            live[sessionId]?.session.videoCodec = video.codec.rawValue
            live[sessionId]?.session.audioCodec = published.streams.contains { $0.codec == .aac } ? "aac" : nil
            copy.start()
            Task { await self.follow(copy, sessionId: sessionId) }
            logger.info("publisher connected", metadata: [
                "remote": "\(request.remoteAddress)", "video": "\(video.codec.rawValue)",
                "audio": "\(live[sessionId]?.session.audioCodec ?? "none")",
            ])
        }
        live[sessionId]?.publishTimer?.cancel()
        live[sessionId]?.publishTimer = nil
        live[sessionId]?.publisher = handle
        live[sessionId]?.publisherGeneration += 1
        let generation = live[sessionId]?.publisherGeneration ?? 0
        ingestMetrics.publishers.record(connectedPublishers)
        if let session = live[sessionId]?.session { await journal.record(session) }
        let feed = PublishFeed(
            recording: copy, streamIndexByTrack: published.streamIndexByTrack, audioStreams: published.audioStreams
        ) { exit in
            Task { await self.publisherLeft(sessionId, generation: generation, exit: exit) }
        }
        return .success(feed)
    }

    var connectedPublishers: Int { live.values.count { $0.publisher != nil } }

    /// Auto-creation for a publish to a path with no live session. Nil when the session now exists.
    private func createSessionForPublisher(_ sessionId: String, deviceId: String?) async -> PublishRefusal? {
        // An id whose directory exists belongs to a session, live elsewhere or ended: it stays taken until DELETE.
        if FileManager.default.fileExists(atPath: config.directory(for: sessionId).path) {
            return .conflict("Session \(sessionId) has ended; its id stays taken until it is deleted")
        }
        guard config.autoSessions else {
            return .notFound("No session \(sessionId); create it with POST /sessions and \"source\": \"publish\"")
        }
        do {
            _ = try await start(StartRequest(sessionId: sessionId, deviceId: deviceId, source: .publish))
            return nil
        } catch {
            switch error.kind {
            case .conflict: return .conflict(error.message)
            case .atCapacity, .unavailable, .insufficientStorage: return .unavailable(error.message)
            case .invalid: return PublishRefusal(status: 400, reason: error.message)
            case .notFound: return .notFound(error.message)
            }
        }
    }

    /// The publisher is gone: the session waits `reconnectGraceSec` for it, then completes.
    func publisherLeft(_ sessionId: String, generation: Int, exit: PublisherExit) async {
        guard let entry = live[sessionId], entry.publisherGeneration == generation, let handle = entry.publisher else { return }
        live[sessionId]?.publisher = nil
        countTraffic(of: handle)
        ingestMetrics.publishers.record(connectedPublishers)
        let logger = sessionLogger(sessionId)
        if entry.closeRequested || shuttingDown {
            entry.recording?.stop()
            return
        }
        // The server let it go (its own shutdown): the recorder's shutdown finalizes the session.
        if exit == .disconnectedByServer { return }
        logger.notice("publisher left; waiting for it to come back", metadata: [
            "reason": "\(exit)", "grace_sec": "\(config.reconnectGraceSec)",
        ])
        let grace = config.reconnectGraceSec
        live[sessionId]?.publishTimer?.cancel()
        live[sessionId]?.publishTimer = Task {
            try? await Task.sleep(for: .seconds(grace))
            await self.graceExpired(sessionId, generation: generation)
        }
    }

    /// A publisher's totals go into the counters when it leaves (its stats are final then).
    func countTraffic(of handle: PublisherHandle) {
        let stats = handle.stats
        ingestMetrics.publishBytes.increment(by: stats.bytesReceived)
        ingestMetrics.rtpPackets.increment(by: stats.packetsReceived)
        ingestMetrics.rtpPacketsLost.increment(by: stats.packetsLost)
    }

    private func graceExpired(_ sessionId: String, generation: Int) async {
        guard let entry = live[sessionId], entry.publisher == nil, entry.publisherGeneration == generation else { return }
        sessionLogger(sessionId).info("publisher did not come back; the session ends")
        entry.recording?.stop()
    }

    private func publishWaitExpired(_ sessionId: String) async {
        guard let entry = live[sessionId], entry.kind == .publish, entry.recording == nil else { return }
        await finishWithoutMedia(sessionId, outcome: .failed(
            reason: "no publisher arrived within \(Int(config.publishWaitSec)) s (publish to rtsp://<host>:<port>/\(sessionId))"))
    }

    /// Ends a session that never recorded (a publish session without a publisher): its directory
    /// gets an empty, ended playlist, so every ended session has one.
    @discardableResult
    func finishWithoutMedia(_ sessionId: String, outcome: PipelineOutcome) async -> Session? {
        do {
            _ = try PlaylistRecovery.finalize(directory: config.directory(for: sessionId))
        } catch {
            sessionLogger(sessionId).error("cannot write the empty playlist of a session that recorded nothing", metadata: ["error": "\(error)"])
        }
        return await finish(sessionId, outcome: outcome, stats: nil)
    }
}
