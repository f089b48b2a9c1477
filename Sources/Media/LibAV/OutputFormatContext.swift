import CFFmpeg
import Foundation

/// Owns an output `AVFormatContext` (avformat_alloc_output_context2 / avformat_free_context).
final class OutputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    let path: String
    private let formatName: String
    private let ioErrors = IOErrorTrap()

    init(formatName: String, path: String) throws {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_alloc_output_context2(&context, nil, formatName, path)
        guard code >= 0, let allocated = context else {
            throw MediaError.libav("avformat_alloc_output_context2", code < 0 ? code : streamd_averror(ENOMEM), "\(formatName) output \(path)")
        }
        pointer = allocated
        self.path = path
        self.formatName = formatName
        ioErrors.install(on: allocated)
    }

    deinit {
        // Muxers without AVFMT_NOFILE write through an AVIOContext the caller opened.
        if let format = pointer.pointee.oformat, format.pointee.flags & AVFMT_NOFILE == 0 {
            avio_closep(&pointer.pointee.pb)
        }
        avformat_free_context(pointer)
    }

    /// Whether encoders must put their headers in extradata (AV_CODEC_FLAG_GLOBAL_HEADER).
    var wantsGlobalHeader: Bool {
        guard let format = pointer.pointee.oformat else { return false }
        return format.pointee.flags & AVFMT_GLOBALHEADER != 0
    }

    /// Adds a stream carrying what `encoder` (already opened) produces.
    func addStream(for encoder: CodecContext) throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(pointer, nil) else {
            throw MediaError.libav("avformat_new_stream", streamd_averror(ENOMEM), path)
        }
        let code = avcodec_parameters_from_context(stream.pointee.codecpar, encoder.pointer)
        if code < 0 { throw MediaError.libav("avcodec_parameters_from_context", code, path) }
        stream.pointee.time_base = encoder.pointer.pointee.time_base
        stream.pointee.avg_frame_rate = encoder.pointer.pointee.framerate
        return stream
    }

    /// avformat_write_header; fails if any option was not recognised. Stream time bases may
    /// change here: read them only afterwards.
    func writeHeader(options: [(String, String)]) throws {
        let dictionary = try OptionDictionary(options)
        let code = avformat_write_header(pointer, &dictionary.pointer)
        if code < 0 { throw MediaError.libav("avformat_write_header", code, path) }
        try dictionary.requireAllConsumed(by: "the \(formatName) muxer")
    }

    /// av_interleaved_write_frame; takes ownership of the packet's payload.
    func write(_ packet: Packet) throws {
        let code = av_interleaved_write_frame(pointer, packet.pointer)
        if code < 0 { throw MediaError.libav("av_interleaved_write_frame", code, path) }
        try throwTrappedWriteError()
    }

    func writeTrailer() throws {
        let code = av_write_trailer(pointer)
        if code < 0 { throw MediaError.libav("av_write_trailer", code, path) }
        try throwTrappedWriteError()
    }

    /// A write error the muxer swallowed when it closed a file (see `IOErrorTrap`).
    private func throwTrappedWriteError() throws {
        if let code = ioErrors.firstError { throw MediaError.libav("avio_write", code, "writing into \(URL(fileURLWithPath: path).deletingLastPathComponent().path)") }
    }
}
