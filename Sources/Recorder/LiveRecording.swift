import Media
import Sessions

/// A session this daemon is recording now: its pipeline, its current row, and who waits on it.
struct LiveRecording {
    var session: Session
    let pipeline: RecordingPipeline
    var stats: PipelineStats?
    /// Set by close: the ending is the user's wish, so `completed` even during shutdown.
    var closeRequested = false
    var startWaiters: [CheckedContinuation<Void, Never>] = []
    var finishWaiters: [CheckedContinuation<Session, Never>] = []
}
