/// What an opened pull source carries (known once `PullPipeline.open()` returns).
public struct PullSourceInfo: Sendable, Equatable {
    /// The demuxer: "rtsp", "mpegts", "flv", "mpjpeg", …
    public var formatName: String
    /// "h264", "hevc", "mjpeg", …
    public var videoCodec: String
    /// "aac" when recorded; nil without audio, or when it is not AAC (it is then not recorded).
    public var audioCodec: String?
    public var width: Int
    public var height: Int
    /// 0 when the source does not state it.
    public var fps: Double
    /// The video is decoded and encoded to H.264 (it cannot be copied).
    public var transcoded: Bool
}
