import CFFmpeg

/// An `AVPixelFormat`.
public struct PixelFormat: Hashable, Sendable, CustomStringConvertible {
    let av: AVPixelFormat

    init(_ format: AVPixelFormat) { av = format }
    init(rawValue: Int32) { av = AVPixelFormat(rawValue: rawValue) }

    public static let yuv420p = PixelFormat(AV_PIX_FMT_YUV420P)
    /// 8-bit luma only: what the motion detector compares.
    public static let gray = PixelFormat(AV_PIX_FMT_GRAY8)
    public static let none = PixelFormat(AV_PIX_FMT_NONE)

    public var rawValue: Int32 { av.rawValue }

    public var description: String {
        guard let name = av_get_pix_fmt_name(av) else { return "pixel format \(av.rawValue)" }
        return String(cString: name)
    }
}
