/// One elementary stream a publisher sends, as the RTSP server learned it from the SDP: what the
/// stream-copy recording needs to mux it without decoding it.
public struct CopyStreamInfo: Sendable, Equatable {
    public enum Codec: String, Sendable, Equatable {
        case h264
        case hevc
        case aac

        public var isVideo: Bool { self != .aac }
    }

    public var codec: Codec
    /// Raw parameter-set NAL units without start codes: SPS, PPS (H.264) or VPS, SPS, PPS (H.265).
    public var parameterSets: [[UInt8]]
    /// The AAC AudioSpecificConfig (`config=` of RFC 3640).
    public var audioSpecificConfig: [UInt8]
    /// Ticks per second of `CopyAccessUnit.timestamp` (the RTP clock: 90000 for video).
    public var clockRate: Int32
    public var channels: Int32
    public var sampleRate: Int32

    public init(codec: Codec, parameterSets: [[UInt8]] = [], audioSpecificConfig: [UInt8] = [],
                clockRate: Int32, channels: Int32 = 0, sampleRate: Int32 = 0) {
        self.codec = codec
        self.parameterSets = parameterSets
        self.audioSpecificConfig = audioSpecificConfig
        self.clockRate = clockRate
        self.channels = channels
        self.sampleRate = sampleRate
    }

    public static func h264(sps: [UInt8], pps: [UInt8], clockRate: Int32 = 90000) -> CopyStreamInfo {
        CopyStreamInfo(codec: .h264, parameterSets: [sps, pps], clockRate: clockRate)
    }

    public static func hevc(vps: [UInt8], sps: [UInt8], pps: [UInt8], clockRate: Int32 = 90000) -> CopyStreamInfo {
        CopyStreamInfo(codec: .hevc, parameterSets: [vps, sps, pps], clockRate: clockRate)
    }

    /// `clockRate` is the sample rate, as RFC 3640 streams use it.
    public static func aac(config: [UInt8], sampleRate: Int32, channels: Int32) -> CopyStreamInfo {
        CopyStreamInfo(codec: .aac, audioSpecificConfig: config, clockRate: sampleRate, channels: channels, sampleRate: sampleRate)
    }
}
