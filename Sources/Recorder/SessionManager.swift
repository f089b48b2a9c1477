import Foundation
import Logging
import Media
import Sessions

/// Owns every session's lifecycle on this node: validates and starts recordings, follows their
/// pipelines' events into the session row (through the journal), closes, deletes, shuts down, recovers.
public actor SessionManager {
    public nonisolated let config: RecorderConfig
    let repository: any SessionRepository
    public let journal: SessionJournal
    let logger: Logger
    let metrics: RecorderMetrics
    let ingestMetrics = IngestMetrics()
    let detectionMetrics = DetectionMetrics()
    let mediaClocks = MediaClockCache()
    var live: [String: LiveRecording] = [:]
    /// Slots and devices promised to starts that are still between their checks and their pipeline.
    var reservedSlots = 0
    var reservedIngestSlots = 0
    var devicesInUse: [String: String] = [:]
    var shuttingDown = false
    /// The running pull of each `always` camera, by device id: shutdown stops them first.
    var cameraPulls: [String: any Recording] = [:]
    /// Finished MP4 exports under `data/exports/`, least recently used beyond the cap.
    public nonisolated let exports: ExportCache
    /// Signals every change of a recording's files to the HTTP file route (cache, blocking reloads).
    public nonisolated let changes = RecordingChanges()

    public init(config: RecorderConfig, repository: any SessionRepository, logger: Logger) {
        self.config = config
        self.repository = repository
        self.logger = logger
        self.metrics = RecorderMetrics()
        self.journal = SessionJournal(
            fileURL: config.dataDirectory.appendingPathComponent("journal.jsonl"), repository: repository, logger: logger)
        self.exports = ExportCache(
            directory: config.dataDirectory.appendingPathComponent(RecordingLayout.exportsDirectoryName, isDirectory: true),
            capacityBytes: config.exportCacheBytes)
    }

    public var activeCount: Int { live.count }
    public var activeSessionIds: [String] { Array(live.keys) }

    // MARK: start

    public func start(_ request: StartRequest) async throws(RecorderError) -> Session {
        guard !shuttingDown else {
            throw RecorderError(.atCapacity, code: "shutting_down", "streamd is shutting down and takes no new sessions.")
        }
        let start = try request.validated(against: config)
        switch start.source {
        case .publish: return try await startPublish(start)
        case .pull: return try await startPull(start).0
        case .auto, .camera, .testsrc: return try await startCapture(start)
        }
    }

    var captureCount: Int { live.values.count { !$0.kind.isIngest } }
    var ingestCount: Int { live.values.count { $0.kind.isIngest } }

    /// The checks every start shares: capacity of its kind, free space, and the id, reserved by
    /// creating its directory. Returns the session id; the slot is held in `reservedSlots` /
    /// `reservedIngestSlots` until the caller releases it.
    func reserve(_ start: ValidatedStart, kind: LiveRecording.Kind) throws(RecorderError) -> String {
        if kind.isIngest {
            guard ingestCount + reservedIngestSlots < config.maxIngestSessions else {
                throw RecorderError(.atCapacity, code: "too_many_sessions", "\(config.maxIngestSessions) publish and pull sessions are recording already, the configured limit (limits.max_ingest_sessions); close one or try later.")
            }
        } else {
            guard captureCount + reservedSlots < config.maxSessions else {
                throw RecorderError(.atCapacity, code: "too_many_sessions", "\(config.maxSessions) sessions are recording already, the configured limit; close one or try later.")
            }
        }
        try checkFreeSpace()
        let sessionId = start.sessionId ?? SessionID.generate()
        guard live[sessionId] == nil else { throw sessionExists(sessionId) }
        try reserveDirectory(for: sessionId)
        if kind.isIngest { reservedIngestSlots += 1 } else { reservedSlots += 1 }
        return sessionId
    }

    func release(kind: LiveRecording.Kind) {
        if kind.isIngest { reservedIngestSlots -= 1 } else { reservedSlots -= 1 }
    }

    /// A new row for this node: `starting`, with the playlist URL this node serves.
    func newSession(_ sessionId: String, _ start: ValidatedStart, source: String, device: String? = nil) -> Session {
        let now = Date.millisecondPrecision()
        return Session(
            sessionId: sessionId, deviceId: start.deviceId, streamPath: sessionId, status: .starting,
            source: source, device: device, playlistUrl: config.playlistURL(for: sessionId),
            durationSec: start.durationSec, postRollSec: start.postRollSec, width: start.width, height: start.height,
            fps: start.fps, node: config.nodeId, createdAt: now, updatedAt: now)
    }

    /// Inserts the row of a reserved id; on failure the directory goes and the id is free again.
    func insertReserved(_ session: Session) async throws(RecorderError) {
        do {
            try await insert(session)
        } catch {
            removeReservedDirectory(for: session.sessionId)
            throw error
        }
    }

    func sessionLogger(_ sessionId: String) -> Logger {
        var sessionLogger = logger
        sessionLogger[metadataKey: "session_id"] = "\(sessionId)"
        return sessionLogger
    }

    private func startCapture(_ start: ValidatedStart) async throws(RecorderError) -> Session {
        let sessionId = try reserve(start, kind: .capture)
        let source: SourceKind
        do {
            source = try resolveSource(start)
        } catch {
            release(kind: .capture)
            removeReservedDirectory(for: sessionId)
            throw error
        }
        if case .camera(let device, _) = source { devicesInUse[device] = sessionId }
        var reservationHeld = true
        defer {
            if reservationHeld {
                release(kind: .capture)
                if case .camera(let device, _) = source { devicesInUse[device] = nil }
            }
        }

        let session = newSession(sessionId, start, source: source.name, device: source.device)
        try await insertReserved(session)

        let spec = RecordingSpec(
            sessionId: sessionId, directory: config.directory(for: sessionId), source: source,
            width: start.width, height: start.height, fps: start.fps, segmentSeconds: config.segmentSeconds,
            segmentFormat: config.segmentFormat, encoder: config.encoder, maxMediaSeconds: start.maxMediaSeconds ?? config.maxDurationSec,
            stallTimeoutSeconds: config.stallTimeoutSec, analysis: config.frameAnalysis)
        let sessionLogger = sessionLogger(sessionId)
        let pipeline = RecordingPipeline(spec: spec, logger: sessionLogger)
        reservationHeld = false
        release(kind: .capture)
        live[sessionId] = LiveRecording(session: session, kind: .capture, recording: pipeline)
        metrics.sessionStarted(source: source.name, active: live.count)
        sessionLogger.info("session started", metadata: [
            "source": "\(source.name)", "size": "\(start.width)x\(start.height)", "fps": "\(start.fps)",
            "duration_sec": "\(start.durationSec.map { "\($0)" } ?? "open")",
        ])
        pipeline.start()
        Task { await self.follow(pipeline, sessionId: sessionId) }
        await waitUntilStarted(sessionId, timeoutSeconds: 3)
        if let current = live[sessionId]?.session { return current }
        return await currentSession(sessionId) ?? session
    }

    /// The row first goes straight to the database so a duplicate id is caught there; when the database
    /// is down the journal takes it and the session records anyway.
    func insert(_ session: Session) async throws(RecorderError) {
        do {
            try await repository.create(session)
        } catch let failure as any RepositoryFailure where failure.isDuplicateKey {
            throw sessionExists(session.sessionId)
        } catch {
            logger.warning("database unavailable, session row goes to the journal", metadata: [
                "session_id": "\(session.sessionId)", "error": "\(error)",
            ])
            await journal.record(session)
        }
    }

    func sessionExists(_ sessionId: String) -> RecorderError {
        RecorderError(.conflict, code: "session_exists", "A session with id \(sessionId) already exists; choose another id or omit it.")
    }

    private func checkFreeSpace() throws(RecorderError) {
        guard config.minFreeBytes > 0, let free = DiskSpace.availableBytes(at: config.dataDirectory) else { return }
        if free < config.minFreeBytes {
            throw RecorderError(.insufficientStorage, code: "insufficient_storage",
                "The data volume has \(free / 1_048_576) MiB free, below the configured floor of \(config.minFreeBytes / 1_048_576) MiB; free space or delete old sessions.")
        }
    }

    /// The directory is the reservation of the id: mkdir is atomic, so two starts cannot both own it.
    private func reserveDirectory(for sessionId: String) throws(RecorderError) {
        do {
            try FileManager.default.createDirectory(at: config.recordingsDirectory, withIntermediateDirectories: true)
        } catch {
            throw RecorderError(.insufficientStorage, code: "storage_unavailable", "Cannot create \(config.recordingsDirectory.path): \(error.localizedDescription)")
        }
        if mkdir(config.directory(for: sessionId).path, 0o755) != 0 {
            let code = errno
            if code == EEXIST { throw sessionExists(sessionId) }
            throw RecorderError(.insufficientStorage, code: "storage_unavailable",
                "Cannot create the recording directory for \(sessionId): \(String(cString: strerror(code))).")
        }
    }

    func removeReservedDirectory(for sessionId: String) {
        do {
            try FileManager.default.removeItem(at: config.directory(for: sessionId))
            changes.changed(sessionId)
        } catch {
            logger.warning("cannot remove the directory of a refused session", metadata: ["session_id": "\(sessionId)", "error": "\(error)"])
        }
    }

    func waitUntilStarted(_ sessionId: String, timeoutSeconds: Double) async {
        guard let recording = live[sessionId], recording.session.status == .starting else { return }
        Task {
            try? await Task.sleep(for: .seconds(timeoutSeconds))
            await self.resumeStartWaiters(sessionId)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            live[sessionId]?.startWaiters.append(continuation)
        }
    }

    func resumeStartWaiters(_ sessionId: String) {
        guard let waiters = live[sessionId]?.startWaiters, !waiters.isEmpty else { return }
        live[sessionId]?.startWaiters = []
        waiters.forEach { $0.resume() }
    }
}

extension Date {
    /// Now, cut to the millisecond the database and the JSON keep, so what we return equals what we store.
    static func millisecondPrecision(_ date: Date = Date()) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
