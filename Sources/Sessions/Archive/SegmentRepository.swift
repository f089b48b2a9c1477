import Foundation

/// Persistence of the segment index. `PostgresSessionRepository` and `InMemorySessionRepository`
/// implement it beside `SessionRepository`; a repository without it simply keeps no index.
public protocol SegmentRepository: Sendable {
    /// Inserts or replaces these rows (idempotent: journal replay and reconcile rely on it). Each
    /// row takes its session's `device_id`; rows of a session that has no row are skipped.
    func upsertSegments(_ segments: [Segment]) async throws
    /// Removes these rows of one session (reconcile: files no longer on disk).
    func deleteSegments(sessionId: String, seqs: [Int]) async throws
    /// Every row of one session, by `seq`.
    func segments(sessionId: String) async throws -> [Segment]
    /// The rows of one session after `seq` (by `seq`), and how many rows the session has in all: a
    /// caller holding the first rows extends them, and sees from the total whether any it holds
    /// changed under it (a row added before its last one, or removed).
    func segments(sessionId: String, afterSeq: Int) async throws -> (rows: [Segment], total: Int)
    /// Every row of one device's sessions overlapping [from, to), by `starts_at`, then session, then seq.
    func deviceSegments(deviceId: String, from: Date, to: Date) async throws -> [Segment]
    /// The recorded intervals of one device overlapping [from, to): the pieces of `DeviceTimeline.pieces`
    /// (each session's touching segments, at most about an hour per piece), by start then session.
    /// Not yet clipped to the window nor resolved between overlapping sessions (`DeviceTimeline.resolved`).
    func deviceSpans(deviceId: String, from: Date, to: Date) async throws -> [DeviceTimeline.Span]
    /// One summary per device that has a session, by `device_id`.
    func devices() async throws -> [DeviceSummary]
}

extension SegmentRepository {
    public func segments(sessionId: String, afterSeq: Int) async throws -> (rows: [Segment], total: Int) {
        let all = try await segments(sessionId: sessionId)
        return (all.filter { $0.seq > afterSeq }, all.count)
    }
}
