/// What a recording reports, in order; `.finished` is always last.
public enum PipelineEvent: Sendable {
    /// The first frame was captured.
    case started(firstFrameEpochMs: Int64)
    /// The playlist on disk now lists `fileName`.
    case segmentWritten(fileName: String, stats: PipelineStats)
    /// The motion detector fired (only with `FrameAnalysis.motion` set).
    case motion(MotionEvent)
    /// About once per second.
    case progress(PipelineStats)
    /// The trailer is written and the playlist ends with ENDLIST.
    case finished(PipelineOutcome, PipelineStats)
}
