import CFFmpeg

/// AVERROR values and their text (the macros themselves do not import; see shim.h).
enum AVErrorText {
    static let eof = streamd_averror_eof()
    static let again = streamd_averror_eagain()
    static let exit = streamd_averror_exit()

    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buffer, buffer.count) < 0 {
            return "unknown error \(code)"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
