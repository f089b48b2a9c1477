/// How a recording ended.
public enum PipelineOutcome: Sendable, Equatable {
    case reachedDuration
    case stopped
    case failed(reason: String)
}
