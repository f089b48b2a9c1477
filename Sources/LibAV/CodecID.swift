import CFFmpeg

/// An `AVCodecID`: which codec a stream carries.
public struct CodecID: Hashable, Sendable, CustomStringConvertible {
    let av: AVCodecID

    init(_ id: AVCodecID) { av = id }

    public static let h264 = CodecID(AV_CODEC_ID_H264)
    public static let hevc = CodecID(AV_CODEC_ID_HEVC)
    public static let aac = CodecID(AV_CODEC_ID_AAC)
    public static let mjpeg = CodecID(AV_CODEC_ID_MJPEG)
    public static let none = CodecID(AV_CODEC_ID_NONE)

    /// avcodec_get_name: "h264", "hevc", "aac", …
    public var description: String {
        avcodec_get_name(av).map { String(cString: $0) } ?? "unknown"
    }
}
