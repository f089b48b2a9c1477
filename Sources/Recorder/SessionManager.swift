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
    var live: [String: LiveRecording] = [:]
    /// Slots and devices promised to starts that are still between their checks and their pipeline.
    var reservedSlots = 0
    var devicesInUse: [String: String] = [:]
    var shuttingDown = false

    public init(config: RecorderConfig, repository: any SessionRepository, logger: Logger) {
        self.config = config
        self.repository = repository
        self.logger = logger
        self.metrics = RecorderMetrics()
        self.journal = SessionJournal(
            fileURL: config.dataDirectory.appendingPathComponent("journal.jsonl"), repository: repository, logger: logger)
    }

    public var activeCount: Int { live.count }
    public var activeSessionIds: [String] { Array(live.keys) }

    // MARK: start

    public func start(_ request: StartRequest) async throws(RecorderError) -> Session {
        guard !shuttingDown else {
            throw RecorderError(.atCapacity, code: "shutting_down", "streamd is shutting down and takes no new sessions.")
        }
        let start = try request.validated(against: config)
        guard live.count + reservedSlots < config.maxSessions else {
            throw RecorderError(.atCapacity, code: "too_many_sessions", "\(config.maxSessions) sessions are recording already, the configured limit; close one or try later.")
        }
        try checkFreeSpace()
        let source = try resolveSource(start)
        let sessionId = start.sessionId ?? SessionID.generate()
        guard live[sessionId] == nil else { throw sessionExists(sessionId) }
        try reserveDirectory(for: sessionId)

        reservedSlots += 1
        if case .camera(let device, _) = source { devicesInUse[device] = sessionId }
        var reservationHeld = true
        defer {
            if reservationHeld {
                reservedSlots -= 1
                if case .camera(let device, _) = source { devicesInUse[device] = nil }
            }
        }

        let now = Date.millisecondPrecision()
        let session = Session(
            sessionId: sessionId, deviceId: start.deviceId, streamPath: sessionId, status: .starting,
            source: source.name, device: source.device, playlistUrl: config.playlistURL(for: sessionId),
            durationSec: start.durationSec, postRollSec: start.postRollSec, width: start.width, height: start.height,
            fps: start.fps, node: config.nodeId, createdAt: now, updatedAt: now)
        do {
            try await insert(session)
        } catch {
            removeReservedDirectory(for: sessionId)
            throw error
        }

        let spec = RecordingSpec(
            sessionId: sessionId, directory: config.directory(for: sessionId), source: source,
            width: start.width, height: start.height, fps: start.fps, segmentSeconds: config.segmentSeconds,
            segmentFormat: config.segmentFormat, encoder: config.encoder, maxMediaSeconds: start.maxMediaSeconds ?? config.maxDurationSec,
            stallTimeoutSeconds: config.stallTimeoutSec)
        var sessionLogger = logger
        sessionLogger[metadataKey: "session_id"] = "\(sessionId)"
        let pipeline = RecordingPipeline(spec: spec, logger: sessionLogger)
        reservationHeld = false
        reservedSlots -= 1
        live[sessionId] = LiveRecording(session: session, pipeline: pipeline)
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
    private func insert(_ session: Session) async throws(RecorderError) {
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

    private func sessionExists(_ sessionId: String) -> RecorderError {
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

    private func removeReservedDirectory(for sessionId: String) {
        do {
            try FileManager.default.removeItem(at: config.directory(for: sessionId))
        } catch {
            logger.warning("cannot remove the directory of a refused session", metadata: ["session_id": "\(sessionId)", "error": "\(error)"])
        }
    }

    private func waitUntilStarted(_ sessionId: String, timeoutSeconds: Double) async {
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
