import CFFmpeg

/// The outcome of one av_read_frame.
enum ReadStep: Equatable {
    case packet
    /// EAGAIN: a non-blocking source (a camera) has no frame ready yet.
    case again
    /// EOF: the source has nothing more.
    case endOfStream
}

/// Owns an opened input `AVFormatContext` (avformat_open_input / avformat_close_input).
final class InputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// What was opened, for error messages: the device, file or filter graph.
    let source: String

    /// Opens `url` with the input format `formatName` (nil: probe). `interrupt` is polled by
    /// blocking I/O; `nonBlocking` makes reads return EAGAIN instead of waiting (cameras).
    init(url: String, formatName: String?, options: [(String, String)],
         interrupt: AVIOInterruptCB? = nil, nonBlocking: Bool = false, source: String? = nil) throws {
        self.source = source ?? url
        var inputFormat: UnsafePointer<AVInputFormat>? = nil
        if let formatName {
            MediaLibrary.registerDevices()
            guard let found = av_find_input_format(formatName) else {
                throw MediaError.componentMissing(kind: "input format", name: formatName)
            }
            inputFormat = found
        }
        guard let allocated = avformat_alloc_context() else {
            throw MediaError.libav("avformat_alloc_context", streamd_averror(ENOMEM), self.source)
        }
        if let interrupt { allocated.pointee.interrupt_callback = interrupt }
        if nonBlocking { allocated.pointee.flags |= AVFMT_FLAG_NONBLOCK }
        var context: UnsafeMutablePointer<AVFormatContext>? = allocated
        let dictionary = try OptionDictionary(options)
        // On failure avformat_open_input frees the context and sets it to NULL.
        let code = avformat_open_input(&context, url, inputFormat, &dictionary.pointer)
        guard code >= 0, let opened = context else {
            throw MediaError.libav("avformat_open_input", code, self.source)
        }
        pointer = opened
        try dictionary.requireAllConsumed(by: formatName.map { "the \($0) input" } ?? "the input")
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    func findStreamInfo() throws {
        let code = avformat_find_stream_info(pointer, nil)
        if code < 0 { throw MediaError.libav("avformat_find_stream_info", code, source) }
    }

    /// The index and stream of the best video stream.
    func videoStream() throws -> (index: Int32, stream: UnsafeMutablePointer<AVStream>) {
        let index = av_find_best_stream(pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard index >= 0, let streams = pointer.pointee.streams, let stream = streams[Int(index)] else {
            throw MediaError.libav("av_find_best_stream", index < 0 ? index : streamd_averror(EINVAL), "\(source) (no video stream)")
        }
        return (index, stream)
    }

    /// Reads the next packet into `packet` (which must be unreferenced).
    func read(into packet: Packet) throws -> ReadStep {
        let code = av_read_frame(pointer, packet.pointer)
        if code >= 0 { return .packet }
        if code == AVErrorText.again { return .again }
        if code == AVErrorText.eof { return .endOfStream }
        throw MediaError.libav("av_read_frame", code, source)
    }
}
