import Foundation
import Media
import Sessions

/// The segment index: rows journaled as segments close, reconciled with the disk at start, and
/// the queries behind the archive routes.
extension SessionManager {
    var segmentRepository: (any SegmentRepository)? { repository as? any SegmentRepository }

    /// Journals the rows of the segments a live session's playlist lists that the index has not
    /// had yet, up to `fileName`.
    func indexListedSegments(_ sessionId: String, upTo fileName: String) async {
        guard let recording = live[sessionId] else { return }
        let indexed = await indexSegments(of: recording.session, after: recording.indexedSeq, upTo: fileName)
        if let current = live[sessionId]?.indexedSeq, indexed > current { live[sessionId]?.indexedSeq = indexed }
    }

    /// Journals rows of the listed segments after `indexedSeq` (up to `fileName` when given) and
    /// returns the highest seq journaled. The facts come from the playlist on disk, the same
    /// source reconcile reads, so both agree on every field.
    func indexSegments(of session: Session, after indexedSeq: Int, upTo fileName: String? = nil) async -> Int {
        guard segmentRepository != nil else { return indexedSeq }
        let listed: [ListedSegment]
        do {
            listed = try PlaylistSegments.read(in: config.directory(for: session.sessionId)) ?? []
        } catch {
            logger.warning("cannot read the playlist to index segments; reconcile at the next start adds them", metadata: [
                "session_id": "\(session.sessionId)", "segment": "\(fileName ?? "")", "error": "\(error)",
            ])
            return indexedSeq
        }
        var last = listed.endIndex
        if let fileName, let index = listed.lastIndex(where: { $0.uri == fileName }) { last = index + 1 }
        var indexed = indexedSeq
        for entry in listed[..<last] where entry.seq > indexedSeq && entry.bytes != nil {
            await journal.record(Self.segment(entry, of: session))
            indexed = max(indexed, entry.seq)
        }
        return indexed
    }

    /// A playlist entry as an index row; a segment before any PROGRAM-DATE-TIME is placed by the
    /// session's first frame and its offset.
    static func segment(_ entry: ListedSegment, of session: Session) -> Segment {
        let sessionStart = session.edgeStartTs.map { Date(epochMilliseconds: $0) } ?? session.createdAt
        return Segment(
            sessionId: session.sessionId, seq: entry.seq, uri: entry.uri,
            startsAt: entry.startsAt ?? sessionStart.addingTimeInterval(entry.offsetSec),
            durationSec: entry.durationSec, bytes: entry.bytes ?? 0, discontinuity: entry.discontinuity)
    }

    /// Makes this node's rows match its disk: rows of segments no longer listed or no longer on
    /// disk go, listed segments without a row (recordings older than the index, rows lost with a
    /// journal) come. Sessions recording now are left to their events.
    public func reconcileSegmentIndex() async throws(RecorderError) -> SegmentReconcileReport {
        guard let segments = segmentRepository else { return SegmentReconcileReport() }
        var report = SegmentReconcileReport()
        do {
            let owned = try await repository.sessions(node: config.nodeId, statuses: SessionStatus.allCases)
            for session in owned where live[session.sessionId] == nil {
                let onDisk = try PlaylistSegments.read(in: config.directory(for: session.sessionId)) ?? []
                let wanted = onDisk.filter { $0.bytes != nil }.map { Self.segment($0, of: session).truncatedToMilliseconds }
                let rows = try await segments.segments(sessionId: session.sessionId)
                let wantedSeqs = Set(wanted.map(\.seq))
                let stale = rows.filter { !wantedSeqs.contains($0.seq) }.map(\.seq)
                let rowsBySeq = Dictionary(rows.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
                let missing = wanted.filter { rowsBySeq[$0.seq] != $0 }
                try await segments.deleteSegments(sessionId: session.sessionId, seqs: stale)
                for batch in stride(from: 0, to: missing.count, by: 1000) {
                    try await segments.upsertSegments(Array(missing[batch..<min(batch + 1000, missing.count)]))
                }
                report.sessions += 1
                report.added += missing.count
                report.removed += stale.count
            }
        } catch {
            throw Self.databaseUnavailable(error)
        }
        return report
    }

    /// Reconcile in the background of a start: retried every `retryInterval` while the database
    /// is away, so the index catches up once it returns.
    public func reconcileSegmentIndexUntilDone(retryInterval: Duration = .seconds(10)) async {
        while !Task.isCancelled {
            do {
                let report = try await reconcileSegmentIndex()
                logger.info("segment index reconciled with the disk", metadata: [
                    "sessions": "\(report.sessions)", "added": "\(report.added)", "removed": "\(report.removed)",
                ])
                return
            } catch {
                logger.warning("segment index reconcile waits for the database", metadata: ["error": "\(error.message)"])
                try? await Task.sleep(for: retryInterval)  // cancellation ends the loop above
            }
        }
    }

    // MARK: queries

    /// The rows of one session; nil when the session does not exist.
    public func segments(of sessionId: String) async throws(RecorderError) -> [Segment]? {
        guard try await session(sessionId) != nil else { return nil }
        let index = try requireIndex()
        do {
            return try await index.segments(sessionId: sessionId)
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    public func devices() async throws(RecorderError) -> [DeviceSummary] {
        let index = try requireIndex()
        do {
            return try await index.devices()
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    public func deviceSegments(_ deviceId: String, from: Date, to: Date) async throws(RecorderError) -> [Segment] {
        let index = try requireIndex()
        do {
            return try await index.deviceSegments(deviceId: deviceId, from: from, to: to)
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    /// The timeline's spans of one device in [from, to] (`DeviceTimeline.resolved`).
    public func deviceSpans(_ deviceId: String, from: Date, to: Date) async throws(RecorderError) -> [DeviceTimeline.Span] {
        let index = try requireIndex()
        do {
            return DeviceTimeline.resolved(try await index.deviceSpans(deviceId: deviceId, from: from, to: to), from: from, to: to)
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    /// A session of this device is starting or recording, here or on another node.
    public func isDeviceRecording(_ deviceId: String) async throws(RecorderError) -> Bool {
        if live.values.contains(where: { $0.session.deviceId == deviceId }) { return true }
        for status in [SessionStatus.recording, .starting] {
            if try await !list(SessionQuery(limit: 1, status: status, deviceId: deviceId)).isEmpty { return true }
        }
        return false
    }

    private func requireIndex() throws(RecorderError) -> any SegmentRepository {
        guard let index = segmentRepository else {
            throw RecorderError(.unavailable, code: "index_unavailable", "This repository keeps no segment index.")
        }
        return index
    }
}

/// What one reconcile pass changed.
public struct SegmentReconcileReport: Sendable, Equatable {
    public var sessions = 0
    public var added = 0
    public var removed = 0

    public init() {}
}
