/// What a recording's stream turned out to be: for a copy recording the source's own values,
/// not requested ones.
public struct StreamDescription: Sendable, Equatable {
    /// "h264" or "hevc".
    public var videoCodec: String
    /// "aac", or nil without (recorded) audio.
    public var audioCodec: String?
    public var width: Int
    public var height: Int
    /// Frames per second as the stream's timestamps or header state it; 0 when unknown.
    public var fps: Double
    /// The source was decoded and re-encoded (a pull of a codec that cannot be copied).
    public var transcoded: Bool

    public init(videoCodec: String, audioCodec: String?, width: Int, height: Int, fps: Double, transcoded: Bool) {
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.width = width
        self.height = height
        self.fps = fps
        self.transcoded = transcoded
    }
}
