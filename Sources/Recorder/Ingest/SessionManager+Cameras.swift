import Foundation
import Media
import Sessions

extension SessionManager {
    /// Records an `always` camera until its pull ends (shutdown, a close of its session, a failure):
    /// back-to-back `pull` sessions of at most `maxSessionSec` media seconds, each registered here
    /// as the pull rolls into it. Throws when the first session cannot start (the source is
    /// unreachable, the ingest limit is reached); the caller retries.
    ///
    /// The camera takes one `max_ingest_sessions` slot while it records: the first session is
    /// checked against the limit, the ones it rolls into replace their predecessor.
    public func recordCamera(_ camera: ConfiguredCamera) async throws(RecorderError) {
        guard !shuttingDown else {
            throw RecorderError(.atCapacity, code: "shutting_down", "streamd is shutting down and takes no new sessions.")
        }
        let config = config
        let deviceId = camera.deviceId
        let rollover = PullRollover(afterSeconds: config.maxSessionSec) { _, cutAt in
            guard let sessionId = Self.reserveCameraDirectory(deviceId: deviceId, at: cutAt, config: config) else { return nil }
            return CopySpec(sessionId: sessionId, directory: config.directory(for: sessionId),
                            segmentSeconds: config.segmentSeconds, segmentFormat: config.segmentFormat,
                            analysis: config.frameAnalysis)
        }
        let start = ValidatedStart(
            sessionId: Self.freeCameraSessionId(deviceId: deviceId, at: Date(), config: config), deviceId: deviceId,
            source: .pull, url: camera.url, device: "", durationSec: nil, postRollSec: 0,
            width: config.width, height: config.height, fps: config.fps)
        let (first, pipeline) = try await startPull(start, rollover: rollover)
        cameraPulls[deviceId] = pipeline
        if shuttingDown { pipeline.stop() }
        defer { cameraPulls[deviceId] = nil }
        for await rolled in rollover.recordings {
            await adoptCameraSession(rolled, like: first)
        }
    }

    /// A session the camera's pull rolled into: its row, the live map, its events followed.
    private func adoptCameraSession(_ rolled: RolledRecording, like first: Session) async {
        let sessionId = rolled.spec.sessionId
        let now = Date.millisecondPrecision()
        var session = first
        session.sessionId = sessionId
        session.streamPath = sessionId
        session.status = .starting
        session.playlistUrl = config.playlistURL(for: sessionId)
        session.mediaDurationSec = 0
        session.segmentCount = 0
        session.bytes = 0
        session.edgeStartTs = nil
        session.edgeEndTs = nil
        session.reconnects = 0
        session.error = nil
        session.createdAt = now
        session.updatedAt = now
        if shuttingDown { rolled.stop() }
        do {
            try await insert(session)
        } catch {
            // Its directory is being written all the same: the next start's recovery finds no row
            // for it, so the camera is stopped and starts over with a session of its own.
            sessionLogger(sessionId).error("cannot register the camera's next session; stopping the camera", metadata: ["error": "\(error)"])
            rolled.stop()
            Task { for await _ in rolled.events {} }
            return
        }
        live[sessionId] = LiveRecording(session: session, kind: .pull, recording: rolled)
        metrics.sessionStarted(source: "pull", active: live.count)
        sessionLogger(sessionId).info("camera session started", metadata: [
            "device_id": "\(session.deviceId)", "url": "\(session.sourceUrl ?? "")",
        ])
        Task { await self.follow(rolled, sessionId: sessionId) }
    }

    /// An id of this camera whose directory does not exist yet (checked, not reserved: the
    /// start's own reservation makes it).
    private nonisolated static func freeCameraSessionId(deviceId: String, at date: Date, config: RecorderConfig) -> String {
        var attempt = 0
        while true {
            let id = CameraSessionID.make(deviceId: deviceId, at: date, attempt: attempt)
            if !FileManager.default.fileExists(atPath: config.directory(for: id).path) || attempt >= 99 { return id }
            attempt += 1
        }
    }

    /// Creates the next session's directory (the id's reservation, as for every start) on the
    /// pull's thread; nil when it cannot, and the camera's current session goes on.
    private nonisolated static func reserveCameraDirectory(deviceId: String, at date: Date, config: RecorderConfig) -> String? {
        for attempt in 0..<100 {
            let id = CameraSessionID.make(deviceId: deviceId, at: date, attempt: attempt)
            if mkdir(config.directory(for: id).path, 0o755) == 0 { return id }
            if errno != EEXIST { return nil }
        }
        return nil
    }
}
