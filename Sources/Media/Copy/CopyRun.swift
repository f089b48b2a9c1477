import Foundation
import Logging

/// The frame of a copy recording's thread, shared by publish and pull: a segmenter for the
/// body to feed, then whatever happened the playlist ends with ENDLIST and `.finished` is last.
enum CopyRun {
    static func execute(spec: CopySpec, logger: Logger, continuation: AsyncStream<PipelineEvent>.Continuation,
                        body: (CopySegmenter) throws -> PipelineOutcome) {
        SessionTag.set(spec.sessionId)
        defer { SessionTag.set(nil) }
        var outcome: PipelineOutcome
        var stats = PipelineStats()
        // A rollover (an `always` camera) moves the recording on: the last one is ended here.
        var directory = spec.directory
        var continuation = continuation
        do {
            let segmenter = try CopySegmenter(spec: spec, logger: logger, continuation: continuation)
            defer {
                directory = segmenter.spec.directory
                continuation = segmenter.continuation
            }
            do {
                outcome = try body(segmenter)
                try segmenter.finish()
            } catch {
                let reason = FailureDiagnosis.reason(for: error, directory: segmenter.spec.directory)
                logger.error("recording failed", metadata: ["error": "\(reason)"])
                outcome = .failed(reason: reason)
                do { try segmenter.abandon() } catch {
                    logger.warning("cannot end the playlist after the failure", metadata: ["error": "\(error)"])
                }
            }
            stats = segmenter.stats
        } catch {
            logger.error("recording could not start", metadata: ["error": "\(error)"])
            outcome = .failed(reason: FailureDiagnosis.reason(for: error, directory: spec.directory))
        }
        stats = PlaylistFinalization.ensureEnded(directory: directory, outcome: &outcome, stats: stats, logger: logger)
        logger.info("recording finished", metadata: [
            "outcome": "\(outcome)", "segments": "\(stats.segmentCount)",
            "media_seconds": "\(stats.mediaDurationSec)", "frames": "\(stats.framesEncoded)",
            "reconnects": "\(stats.reconnects)",
        ])
        continuation.yield(.finished(outcome, stats))
        continuation.finish()
    }
}
