import CFFmpeg
import Foundation

/// Owns an output `AVFormatContext` (avformat_alloc_output_context2 / avformat_free_context),
/// and the file it writes when the muxer does not open files itself.
public final class OutputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    public let path: String
    private let formatName: String
    private let ioErrors = IOErrorTrap()

    public init(formatName: String, path: String) throws {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_alloc_output_context2(&context, nil, formatName, path)
        guard code >= 0, let allocated = context else {
            throw LibAVError.failed("avformat_alloc_output_context2", code < 0 ? AVErrorCode(rawValue: code) : .outOfMemory, "\(formatName) output \(path)")
        }
        pointer = allocated
        self.path = path
        self.formatName = formatName
        ioErrors.install(on: allocated)
    }

    deinit {
        // Muxers without AVFMT_NOFILE write through an AVIOContext the caller opened.
        if !opensFilesItself, pointer.pointee.pb != nil {
            avio_closep(&pointer.pointee.pb)
        }
        avformat_free_context(pointer)
    }

    /// AVFMT_NOFILE: the muxer (HLS) opens its files itself.
    private var opensFilesItself: Bool {
        guard let format = pointer.pointee.oformat else { return true }
        return format.pointee.flags & AVFMT_NOFILE != 0
    }

    /// Whether encoders must put their headers in extradata (AV_CODEC_FLAG_GLOBAL_HEADER).
    public var wantsGlobalHeader: Bool {
        guard let format = pointer.pointee.oformat else { return false }
        return format.pointee.flags & AVFMT_GLOBALHEADER != 0
    }

    /// Adds a stream carrying what `encoder` (already opened) produces; returns its index.
    @discardableResult
    public func addStream(for encoder: CodecContext) throws -> Int32 {
        let stream = try newStream()
        let code = avcodec_parameters_from_context(stream.pointee.codecpar, encoder.pointer)
        if code < 0 { throw LibAVError.failed("avcodec_parameters_from_context", AVErrorCode(rawValue: code), path) }
        stream.pointee.time_base = encoder.pointer.pointee.time_base
        stream.pointee.avg_frame_rate = encoder.pointer.pointee.framerate
        return stream.pointee.index
    }

    /// Adds a stream that carries packets copied from elsewhere (no codec context): its codec
    /// parameters are copied, the codec tag cleared; `timeBase` is a hint the muxer may change.
    @discardableResult
    public func addStream(copying parameters: CodecParameters, timeBase: Rational, frameRate: Rational? = nil) throws -> Int32 {
        let stream = try newStream()
        let code = avcodec_parameters_copy(stream.pointee.codecpar, parameters.pointer)
        if code < 0 { throw LibAVError.failed("avcodec_parameters_copy", AVErrorCode(rawValue: code), path) }
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = timeBase.av
        if let frameRate { stream.pointee.avg_frame_rate = frameRate.av }
        return stream.pointee.index
    }

    private func newStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(pointer, nil) else {
            throw LibAVError.failed("avformat_new_stream", .outOfMemory, path)
        }
        return stream
    }

    /// The time base of stream `index` (valid after `writeHeader`, which may change it).
    public func timeBase(ofStream index: Int32) throws -> Rational {
        guard index >= 0, index < Int32(pointer.pointee.nb_streams), let streams = pointer.pointee.streams,
              let stream = streams[Int(index)] else {
            throw LibAVError.failed("AVFormatContext.streams", .invalidArgument, "\(path) (no stream \(index))")
        }
        return Rational(stream.pointee.time_base)
    }

    /// avformat_write_header, after opening `path` for muxers that write through the caller's
    /// AVIOContext; fails if any option was not recognised. Stream time bases may change here:
    /// read them only afterwards.
    public func writeHeader(options: [(String, String)]) throws {
        if !opensFilesItself, pointer.pointee.pb == nil {
            let code = avio_open(&pointer.pointee.pb, path, AVIO_FLAG_WRITE)
            if code < 0 { throw LibAVError.failed("avio_open", AVErrorCode(rawValue: code), path) }
        }
        let dictionary = try OptionDictionary(options)
        let code = avformat_write_header(pointer, &dictionary.pointer)
        if code < 0 { throw LibAVError.failed("avformat_write_header", AVErrorCode(rawValue: code), path) }
        try dictionary.requireAllConsumed(by: "the \(formatName) muxer")
    }

    /// av_interleaved_write_frame; takes ownership of the packet's payload.
    public func write(_ packet: Packet) throws {
        let code = av_interleaved_write_frame(pointer, packet.pointer)
        if code < 0 { throw LibAVError.failed("av_interleaved_write_frame", AVErrorCode(rawValue: code), path) }
        try throwTrappedWriteError()
    }

    /// av_write_frame: no interleaving queue, so `flushFragment` really ends what was written
    /// (fragmented MP4 segments); takes ownership of the packet's payload.
    public func writeUninterleaved(_ packet: Packet) throws {
        let code = av_write_frame(pointer, packet.pointer)
        if code < 0 { throw LibAVError.failed("av_write_frame", AVErrorCode(rawValue: code), path) }
        try throwTrappedWriteError()
    }

    /// av_write_frame(NULL): a muxer with `movflags=frag_custom` writes the fragment it holds.
    public func flushFragment() throws {
        let code = av_write_frame(pointer, nil)
        if code < 0 { throw LibAVError.failed("av_write_frame(flush)", AVErrorCode(rawValue: code), path) }
    }

    /// Closes the file the muxer writes to and opens `newPath` instead (one file per fragment).
    public func redirect(toFile newPath: String) throws {
        try closeFile()
        let code = avio_open(&pointer.pointee.pb, newPath, AVIO_FLAG_WRITE)
        if code < 0 { throw LibAVError.failed("avio_open", AVErrorCode(rawValue: code), newPath) }
    }

    /// Closes the file the muxer writes to; a failed final write is reported here.
    public func closeFile() throws {
        guard let pb = pointer.pointee.pb else { return }
        let pending = pb.pointee.error
        let closed = avio_closep(&pointer.pointee.pb)
        let failure = pending < 0 ? pending : closed
        if failure < 0 { throw LibAVError.failed("avio_close", AVErrorCode(rawValue: failure), path) }
    }

    /// Writes the trailer into a memory buffer that is thrown away: for a fragmented MP4 whose
    /// last fragment is already in its own file and whose index (mfra) is not wanted.
    public func writeTrailerDiscardingOutput() throws {
        try closeFile()
        var code = avio_open_dyn_buf(&pointer.pointee.pb)
        if code < 0 { throw LibAVError.failed("avio_open_dyn_buf", AVErrorCode(rawValue: code), path) }
        code = av_write_trailer(pointer)
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        _ = avio_close_dyn_buf(pointer.pointee.pb, &buffer)
        pointer.pointee.pb = nil
        av_free(buffer)
        if code < 0 { throw LibAVError.failed("av_write_trailer", AVErrorCode(rawValue: code), path) }
    }

    /// Writes the trailer and, for a muxer writing through the caller's AVIOContext, closes the
    /// file so a failed final write is reported here.
    public func writeTrailer() throws {
        let code = av_write_trailer(pointer)
        if code < 0 { throw LibAVError.failed("av_write_trailer", AVErrorCode(rawValue: code), path) }
        if !opensFilesItself { try closeFile() }
        try throwTrappedWriteError()
    }

    /// A write error the muxer swallowed when it closed a file (see `IOErrorTrap`).
    private func throwTrappedWriteError() throws {
        if let code = ioErrors.firstError {
            throw LibAVError.failed("avio_write", AVErrorCode(rawValue: code), "writing into \(URL(fileURLWithPath: path).deletingLastPathComponent().path)")
        }
    }
}
