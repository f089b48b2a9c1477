import Foundation
import Media
import Sessions

/// MP4 exports (§10): a session's range or a device's window resolved to segments, remuxed once
/// per distinct range and kept in `exports`.
extension SessionManager {
    /// The export of `durationSec` (nil: to the end) from `startSec` of media into a session,
    /// read from its playlist on this node's disk.
    public func sessionExportJob(_ sessionId: String, startSec: Double, durationSec: Double?) async throws(RecorderError) -> ExportJob {
        guard try await session(sessionId) != nil else { throw RecorderError.notFound(sessionId) }
        let listed: [ListedSegment]
        do {
            listed = try PlaylistSegments.read(in: config.directory(for: sessionId)) ?? []
        } catch {
            throw RecorderError(.unavailable, code: "export_failed", "Cannot read the playlist of \(sessionId): \(error)")
        }
        let end = durationSec.map { startSec + $0 }
        let chosen = listed.filter { entry in
            entry.bytes != nil && entry.offsetSec + entry.durationSec > startSec && end.map { entry.offsetSec < $0 } ?? true
        }
        guard let first = chosen.first, let last = chosen.last else { throw Self.noRecording("session \(sessionId)") }
        let pieces = chosen.map {
            ExportJob.Piece(sessionId: sessionId, seq: $0.seq, uri: $0.uri, durationSec: $0.durationSec, bytes: $0.bytes ?? 0,
                            breaksBefore: $0.discontinuity)
        }
        return ExportJob(pieces: pieces, startSec: startSec - first.offsetSec, endSec: end.map { $0 - last.offsetSec },
                         directory: config.directory(for:))
    }

    /// The export of a device's window: the segments its device playlist follows, gaps skipped.
    public func deviceExportJob(_ deviceId: String, from: Date, to: Date) async throws(RecorderError) -> ExportJob {
        let segments = DeviceTimeline.followed(try await deviceSegments(deviceId, from: from, to: to))
        guard let first = segments.first, let last = segments.last else { throw Self.noRecording("device \(deviceId)") }
        var previous: Segment?
        var pieces: [ExportJob.Piece] = []
        for segment in segments {
            pieces.append(ExportJob.Piece(
                sessionId: segment.sessionId, seq: segment.seq, uri: segment.uri, durationSec: segment.durationSec, bytes: segment.bytes,
                breaksBefore: DeviceTimeline.startsDiscontinuity(segment, after: previous)))
            previous = segment
        }
        return ExportJob(pieces: pieces, startSec: from.timeIntervalSince(first.startsAt), endSec: to.timeIntervalSince(last.startsAt),
                         directory: config.directory(for:))
    }

    /// The job's MP4, from the cache or remuxed now (one remux for identical requests at once).
    public func export(_ job: ExportJob) async throws(RecorderError) -> ExportFile {
        let logger = self.logger
        do {
            return try await exports.file(key: job.key, sessions: job.sessionIds) { path in
                let started = ContinuousClock.now
                let summary = try await MP4Export.write(job.plan, to: path)
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                logger.info("export remuxed", metadata: [
                    "key": "\(job.key)", "media_sec": "\(String(format: "%.3f", summary.mediaSeconds))", "bytes": "\(summary.bytes)",
                    "wall_sec": "\(String(format: "%.3f", seconds))",
                ])
            }
        } catch let error as ExportError {
            switch error {
            case .incompatibleSegments: throw RecorderError(.invalid, code: "incompatible_segments", error.description + ".")
            case .noMedia: throw Self.noRecording("this range")
            case .unsupportedPath: throw RecorderError(.unavailable, code: "export_failed", error.description + ".")
            }
        } catch {
            switch MP4Export.posixErrno(of: error) {
            case ENOENT: throw RecorderError(.notFound, code: "recording_gone", "A segment of this range was removed while it was exported; ask again.")
            case ENOSPC, EDQUOT, EFBIG:
                throw RecorderError(.insufficientStorage, code: "insufficient_storage", "The export could not be written: \(error).")
            default: throw RecorderError(.unavailable, code: "export_failed", "The export could not be written: \(error).")
            }
        }
    }

    static func noRecording(_ what: String) -> RecorderError {
        RecorderError(.notFound, code: "no_recording", "No recording of \(what) falls in the requested range.")
    }
}
