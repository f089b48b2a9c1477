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
        stats = PlaylistFinalization.ensureEnded(directory: spec.directory, outcome: &outcome, stats: stats, logger: logger)
        logger.info("recording finished", metadata: [
            "outcome": "\(outcome)", "segments": "\(stats.segmentCount)",
            "media_seconds": "\(stats.mediaDurationSec)", "frames": "\(stats.framesEncoded)",
        ])
        continuation.yield(.finished(outcome, stats))
        continuation.finish()
    }
}
