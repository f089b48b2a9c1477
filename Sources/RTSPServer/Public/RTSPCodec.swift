/// The codec of one announced track, from its SDP `a=rtpmap`.
public enum RTSPCodec: Sendable, Equatable, CustomStringConvertible {
    case h264
    case h265
    case aac
    /// Anything else, with the rtpmap encoding name as announced.
    case other(String)

    public var isVideo: Bool { self == .h264 || self == .h265 }

    public var description: String {
        switch self {
        case .h264: return "h264"
        case .h265: return "hevc"
        case .aac: return "aac"
        case .other(let name): return name
        }
    }
}
