import CFFmpeg

/// A libav return code (a negative AVERROR value) as a Swift value, with the names libav's
/// macros give the ones callers branch on (the macros themselves do not import; see shim.h).
public struct AVErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let endOfFile = AVErrorCode(rawValue: streamd_averror_eof())
    public static let again = AVErrorCode(rawValue: streamd_averror_eagain())
    /// The interrupt callback asked libav to give up.
    public static let exit = AVErrorCode(rawValue: streamd_averror_exit())
    public static let invalidData = AVErrorCode(rawValue: streamd_averror_invaliddata())
    public static let outOfMemory = AVErrorCode.posix(ENOMEM)
    public static let invalidArgument = AVErrorCode.posix(EINVAL)

    /// AVERROR(errno).
    public static func posix(_ errno: Int32) -> AVErrorCode { AVErrorCode(rawValue: streamd_averror(errno)) }

    /// The POSIX errno behind the code, when there is one (AVERROR(e) is -e).
    public var posixErrno: Int32? { rawValue < 0 && rawValue > -4096 ? -rawValue : nil }

    /// av_strerror's text.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(rawValue, &buffer, buffer.count) < 0 {
            return "unknown error \(rawValue)"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
