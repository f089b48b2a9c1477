/// One track of a publish, as announced in the SDP and accepted by the codec policy.
public struct PublishTrack: Sendable, Equatable {
    /// Position among the delivered tracks (0-based); `AccessUnit.trackIndex` refers to it.
    public var index: Int
    public var codec: RTSPCodec
    public var clockRate: Int
    /// H.264: [SPS, PPS] from sprop-parameter-sets; H.265: [VPS, SPS, PPS]; raw NAL units without start codes.
    public var parameterSets: [[UInt8]]
    /// AAC: the AudioSpecificConfig from the fmtp `config=`.
    public var audioSpecificConfig: [UInt8]?
    public var channels: Int?
    /// The SDP `a=control` value as announced (relative or absolute).
    public var controlURL: String

    public init(
        index: Int, codec: RTSPCodec, clockRate: Int, parameterSets: [[UInt8]] = [],
        audioSpecificConfig: [UInt8]? = nil, channels: Int? = nil, controlURL: String
    ) {
        self.index = index
        self.codec = codec
        self.clockRate = clockRate
        self.parameterSets = parameterSets
        self.audioSpecificConfig = audioSpecificConfig
        self.channels = channels
        self.controlURL = controlURL
    }

    /// AAC's sample rate is the RTP clock rate (RFC 3640 recommends it; ffmpeg and GStreamer do it).
    public var sampleRate: Int? { codec == .aac ? clockRate : nil }
}
