import Foundation
import Logging
import Sessions

/// A durable, ordered record of session changes under the data dir, applied to the repository as soon as
/// it answers. Recording never waits on PostgreSQL: a change is fsync'd here first, then applied; while the
/// database is down the backlog grows here (bounded by the number of sessions, since only the newest
/// snapshot of each session is kept) and is replayed in order when it returns.
public actor SessionJournal {
    enum Operation: Codable, Sendable, Equatable {
        case upsert(JournalSessionRecord)
        case delete(String)
        /// A row of the segment index, applied after its session's row (added in round 3).
        case segment(JournalSegmentRecord)

        var sessionId: String {
            switch self {
            case .upsert(let record): record.sessionId
            case .delete(let id): id
            case .segment(let record): record.sessionId
            }
        }

        /// What a newer entry replaces: the session's snapshot, or one segment row.
        var key: String {
            switch self {
            case .segment(let record): record.key
            default: sessionId
            }
        }
    }

    struct Entry: Codable, Sendable {
        var sequence: Int
        var operation: Operation
    }

    private let fileURL: URL
    private let repository: any SessionRepository
    private let logger: Logger
    /// Newest unapplied operation per session; replay order is by sequence.
    private var pending: [String: Entry] = [:]
    private var nextSequence = 0
    private var linesInFile = 0
    private var flushing = false
    /// Callers that arrived while a pass was running; they run their own pass after it.
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    private var flushScheduled = false
    /// The last attempt to apply failed: the database is down or unreachable.
    private var databaseBehind = false

    public init(fileURL: URL, repository: any SessionRepository, logger: Logger) {
        self.fileURL = fileURL
        self.repository = repository
        self.logger = logger
    }

    /// Number of session changes not yet in the database.
    public var backlog: Int { pending.values.count { if case .segment = $0.operation { false } else { true } } }

    /// Number of segment index rows not yet in the database.
    public var segmentBacklog: Int { pending.count - backlog }

    /// Reads what an earlier run left unapplied. Lines torn by a crash mid-write are skipped.
    public func load() throws {
        guard FileManager.default.fileExists(atPath: fileURL.path) else { return }
        let data = try Data(contentsOf: fileURL)
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            do {
                let entry = try decoder.decode(Entry.self, from: Data(line))
                pending[entry.operation.key] = entry
                nextSequence = max(nextSequence, entry.sequence + 1)
                linesInFile += 1
            } catch {
                logger.warning("skipping a torn journal line", metadata: ["file": "\(fileURL.path)"])
            }
        }
    }

    /// The newest snapshot of a session that the database may not have yet.
    public func pendingSession(_ sessionId: String) -> Session? {
        if case .upsert(let record)? = pending[sessionId]?.operation { return record.session }
        return nil
    }

    public func isPendingDelete(_ sessionId: String) -> Bool {
        if case .delete? = pending[sessionId]?.operation { return true }
        return false
    }

    public func pendingSessions() -> [Session] {
        pending.values.sorted { $0.sequence < $1.sequence }.compactMap {
            if case .upsert(let record) = $0.operation { return record.session }
            return nil
        }
    }

    public func record(_ session: Session) async {
        await append(.upsert(JournalSessionRecord(session)))
    }

    public func recordDelete(_ sessionId: String) async {
        await append(.delete(sessionId))
    }

    /// A closed segment for the index; it reaches the database after its session's row.
    public func record(_ segment: Segment) async {
        await append(.segment(JournalSegmentRecord(segment)))
    }

    private func append(_ operation: Operation) async {
        let entry = Entry(sequence: nextSequence, operation: operation)
        nextSequence += 1
        pending[operation.key] = entry
        do {
            var line = try JSONEncoder().encode(entry)
            line.append(UInt8(ascii: "\n"))
            try Self.appendDurably(line, to: fileURL)
            linesInFile += 1
        } catch {
            // The change is still held in memory and will reach the database; only crash safety is lost.
            logger.error("cannot write the session journal", metadata: ["file": "\(fileURL.path)", "error": "\(error)"])
        }
        // While the database answers, the change is applied before the caller goes on, so reads that go
        // to the database see it. During an outage the caller does not wait on every failing attempt.
        if databaseBehind {
            scheduleFlush()
        } else {
            await flush()
        }
    }

    /// Applying beside the caller: a failing database must not hold up the pipelines' events, only
    /// the backlog here, one entry per session.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            await self.runScheduledFlush()
        }
    }

    private func runScheduledFlush() async {
        flushScheduled = false
        await flush()
    }

    /// Applies every pending change in order; stops at the first failure so order is kept.
    /// Returns true when the backlog is empty.
    @discardableResult
    public func flush() async -> Bool {
        // One pass at a time, but nobody returns before a pass that started after their call has
        // run: shutdown's last flush must not return while another caller's pass is still applying.
        while flushing {
            await withCheckedContinuation { flushWaiters.append($0) }
        }
        flushing = true
        defer {
            flushing = false
            let waiters = flushWaiters
            flushWaiters = []
            waiters.forEach { $0.resume() }
        }
        while let entry = pending.values.min(by: { $0.sequence < $1.sequence }) {
            do {
                switch entry.operation {
                case .upsert(let record):
                    guard let session = record.session else {
                        logger.error("journal record with an unknown status skipped", metadata: ["session_id": "\(record.sessionId)", "status": "\(record.status)"])
                        break
                    }
                    try await repository.upsert(session)
                case .delete(let id): try await repository.delete(id)
                case .segment(let record): try await apply(record, sequence: entry.sequence)
                }
            } catch {
                logger.debug("journal backlog waits for the database", metadata: ["backlog": "\(pending.count)", "error": "\(error)"])
                databaseBehind = true
                return false
            }
            // A newer change for the same session may have arrived while this one was applied.
            if pending[entry.operation.key]?.sequence == entry.sequence {
                pending[entry.operation.key] = nil
            }
        }
        databaseBehind = false
        compact()
        return true
    }

    /// A segment row needs its session's row first. When a newer snapshot of the session replaced
    /// the one journaled before this segment, the database may not have the session yet: that
    /// snapshot goes first. A session deleted since takes its rows with it.
    private func apply(_ record: JournalSegmentRecord, sequence: Int) async throws {
        guard let segments = repository as? any SegmentRepository else { return }
        switch pending[record.sessionId]?.operation {
        case .delete?:
            return
        case .upsert(let session)? where (pending[record.sessionId]?.sequence ?? 0) > sequence:
            if let snapshot = session.session {
                try await repository.upsert(snapshot)
            }
        default:
            break
        }
        try await segments.upsertSegments([record.segment])
    }

    /// Rewrites the file with only what is still pending (empty when everything is applied).
    private func compact() {
        guard linesInFile > pending.count else { return }
        do {
            var contents = Data()
            let encoder = JSONEncoder()
            for entry in pending.values.sorted(by: { $0.sequence < $1.sequence }) {
                contents.append(try encoder.encode(entry))
                contents.append(UInt8(ascii: "\n"))
            }
            try contents.write(to: fileURL, options: .atomic)
            linesInFile = pending.count
        } catch {
            logger.error("cannot compact the session journal", metadata: ["error": "\(error)"])
        }
    }

    private static func appendDurably(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
