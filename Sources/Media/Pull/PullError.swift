/// Why a pull could not start.
public enum PullError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source could not be opened within the open timeout; `reason` is libavformat's (the
    /// URL in it redacted).
    case sourceUnreachable(url: String, reason: String)
    /// The pull was stopped before its source was open.
    case stopped

    public var description: String {
        switch self {
        case let .sourceUnreachable(url, reason): return "Cannot open the source \(url): \(reason)"
        case .stopped: return "The pull was stopped before its source was open"
        }
    }
}
