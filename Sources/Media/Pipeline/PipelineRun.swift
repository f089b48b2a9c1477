import Foundation
import Logging

/// The body of a pipeline's thread: runs the recording, makes sure the directory ends with a
/// finalized playlist whatever happened, and emits `.finished` last.
struct PipelineRun: Sendable {
    let spec: RecordingSpec
    let logger: Logger
    let control: PipelineControl
    let continuation: AsyncStream<PipelineEvent>.Continuation

    func execute() {
        SessionTag.set(spec.sessionId)
        defer { SessionTag.set(nil) }
        control.noteFrame()
        let watchdog = StallWatchdog(control: control, timeoutSeconds: spec.stallTimeoutSeconds)
        var outcome: PipelineOutcome
        var stats = PipelineStats()
        do {
            let session = try RecordingSession(spec: spec, logger: logger, control: control, continuation: continuation)
            outcome = session.run()
            stats = session.stats
        } catch {
            logger.error("recording could not start", metadata: ["error": "\(error)"])
            outcome = .failed(reason: FailureDiagnosis.reason(for: error, directory: spec.directory))
        }
        withExtendedLifetime(watchdog) {}
        stats = finalizePlaylist(outcome: &outcome, stats: stats)
        logger.info("recording finished", metadata: [
            "outcome": "\(outcome)", "segments": "\(stats.segmentCount)",
            "media_seconds": "\(stats.mediaDurationSec)", "frames": "\(stats.framesEncoded)",
        ])
        continuation.yield(.finished(outcome, stats))
        continuation.finish()
    }

    /// Every ended recording has a playlist with ENDLIST listing only decodable segments. After a
    /// failure (or a trailer that did not land) the recovery pass guarantees it.
    private func finalizePlaylist(outcome: inout PipelineOutcome, stats: PipelineStats) -> PipelineStats {
        var failed = false
        if case .failed = outcome { failed = true }
        var needsRecovery = failed
        if !needsRecovery {
            do {
                needsRecovery = try PlaylistFile.read(in: spec.directory)?.hasEndList != true
            } catch {
                needsRecovery = true
            }
        }
        guard needsRecovery else { return stats }
        do {
            // After a failure any segment of this session may be cut short: check them all.
            let recovered = try finalizeRetrying(verifyEverySegment: failed)
            var merged = stats
            merged.segmentCount = recovered.segmentCount
            merged.mediaDurationSec = recovered.mediaDurationSec
            merged.bytes = recovered.bytes
            return merged
        } catch {
            logger.critical("cannot finalize the playlist", metadata: ["error": "\(error)"])
            if case .failed(let reason) = outcome {
                outcome = .failed(reason: "\(reason); the playlist could not be finalized either: \(error)")
            } else {
                outcome = .failed(reason: "the playlist could not be finalized: \(error)")
            }
            return stats
        }
    }

    /// How long a finalization that fails (EMFILE while connections flood in, a disk that is full for a
    /// moment) is retried: the playlist gets its ENDLIST as soon as the system lets it be written.
    static let finalizeRetrySeconds = 60.0

    private func finalizeRetrying(verifyEverySegment: Bool) throws -> PipelineStats {
        let deadline = MonotonicClock.nanoseconds() + UInt64(Self.finalizeRetrySeconds * 1e9)
        var pause = 0.1
        var attempts = 0
        while true {
            do {
                let stats = try PlaylistRecovery.finalize(directory: spec.directory, verifyEverySegment: verifyEverySegment, logger: logger)
                if attempts > 0 { logger.notice("finalized the playlist after retrying", metadata: ["attempts": "\(attempts + 1)"]) }
                return stats
            } catch {
                attempts += 1
                guard MonotonicClock.nanoseconds() < deadline else { throw error }
                if attempts == 1 { logger.warning("cannot finalize the playlist yet; retrying", metadata: ["error": "\(error)"]) }
                // This is the pipeline's own thread: waiting here holds nothing else up.
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 5)
            }
        }
    }
}
