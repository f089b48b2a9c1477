/// What libavformat and libavcodec find in a media file or playlist.
public struct MediaProbeReport: Sendable, Equatable {
    public var formatName: String
    public var codecName: String
    public var pixelFormat: String
    public var width: Int
    public var height: Int
    /// The container's duration (for a playlist: the sum of its EXTINF), when it states one.
    public var durationSeconds: Double?
    public var firstVideoPacketIsKeyframe: Bool
    public var videoPackets: Int
    /// Packets the demuxer flagged as corrupt (a torn MPEG-TS packet at the end of a file).
    public var corruptPackets: Int
    public var framesDecoded: Int
    /// Decoder errors plus frames the decoder flagged as damaged.
    public var decodeErrors: Int
    /// From the first frame's timestamp to the end of the last one (decoded frames, or packets
    /// when not decoding).
    public var mediaSeconds: Double

    /// Every packet decoded cleanly and there was at least one frame.
    public var decodesCleanly: Bool { framesDecoded > 0 && decodeErrors == 0 && corruptPackets == 0 }
}
