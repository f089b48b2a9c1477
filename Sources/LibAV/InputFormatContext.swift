import CFFmpeg

/// The outcome of one av_read_frame.
public enum ReadStep: Equatable, Sendable {
    case packet
    /// EAGAIN: a non-blocking source (a camera) has no frame ready yet.
    case again
    /// EOF: the source has nothing more.
    case endOfStream
}

/// Owns an opened input `AVFormatContext` (avformat_open_input / avformat_close_input).
public final class InputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// What was opened, for error messages: the device, file or filter graph (never a URL with
    /// credentials: callers pass a redacted name).
    public let source: String
    private let interrupt: InterruptCallback?
    /// Options no component recognised (see `strictOptions`).
    public private(set) var unusedOptions: [String] = []

    /// Opens `url` with the input format `formatName` (nil: probe). `shouldInterrupt` is polled
    /// by blocking I/O; `nonBlocking` makes reads return EAGAIN instead of waiting (cameras).
    /// `strictOptions` fails the open when an option was not recognised; a URL whose protocol
    /// and format are known only after probing (a pull) turns it off, and leftovers are in
    /// `unusedOptions`.
    public init(url: String, formatName: String?, options: [(String, String)],
                shouldInterrupt: (@Sendable () -> Bool)? = nil, nonBlocking: Bool = false,
                source: String? = nil, strictOptions: Bool = true) throws {
        self.source = source ?? url
        var inputFormat: UnsafePointer<AVInputFormat>? = nil
        if let formatName {
            MediaLibrary.registerDevices()
            guard let found = av_find_input_format(formatName) else {
                throw LibAVError.componentMissing(kind: "input format", name: formatName)
            }
            inputFormat = found
        }
        guard let allocated = avformat_alloc_context() else {
            throw LibAVError.failed("avformat_alloc_context", .outOfMemory, self.source)
        }
        let interrupt = shouldInterrupt.map(InterruptCallback.init)
        if let interrupt { allocated.pointee.interrupt_callback = interrupt.callback }
        self.interrupt = interrupt
        if nonBlocking { allocated.pointee.flags |= AVFMT_FLAG_NONBLOCK }
        var context: UnsafeMutablePointer<AVFormatContext>? = allocated
        let dictionary: OptionDictionary
        do {
            dictionary = try OptionDictionary(options)
        } catch {
            avformat_free_context(allocated)
            throw error
        }
        // On failure avformat_open_input frees the context and sets it to NULL.
        let code = avformat_open_input(&context, url, inputFormat, &dictionary.pointer)
        guard code >= 0, let opened = context else {
            throw LibAVError.failed("avformat_open_input", AVErrorCode(rawValue: code), self.source)
        }
        pointer = opened
        unusedOptions = dictionary.keys
        if strictOptions { try dictionary.requireAllConsumed(by: formatName.map { "the \($0) input" } ?? "the input") }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    public func findStreamInfo() throws {
        let code = avformat_find_stream_info(pointer, nil)
        if code < 0 { throw LibAVError.failed("avformat_find_stream_info", AVErrorCode(rawValue: code), source) }
    }

    /// The demuxer's name ("mpegts", "hls", …).
    public var formatName: String {
        pointer.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
    }

    /// The container's duration in seconds, when it states one.
    public var durationSeconds: Double? {
        let duration = pointer.pointee.duration
        guard duration > 0, duration != streamd_nopts_value() else { return nil }
        return Double(duration) * Rational.microseconds.doubleValue
    }

    public var streamCount: Int { Int(pointer.pointee.nb_streams) }

    /// The stream at `index`.
    public func stream(at index: Int32) throws -> StreamInfo {
        guard index >= 0, Int(index) < streamCount, let streams = pointer.pointee.streams,
              let stream = streams[Int(index)], let parameters = stream.pointee.codecpar else {
            throw LibAVError.failed("AVFormatContext.streams", .invalidArgument, "\(source) (no stream \(index))")
        }
        return StreamInfo(
            index: index, mediaType: MediaType(parameters.pointee.codec_type),
            timeBase: Rational(stream.pointee.time_base), averageFrameRate: Rational(stream.pointee.avg_frame_rate),
            parameters: try CodecParameters(copying: parameters),
            startTime: stream.pointee.start_time == streamd_nopts_value() ? nil : stream.pointee.start_time)
    }

    /// Every stream, in index order.
    public func streams() throws -> [StreamInfo] {
        try (0..<Int32(streamCount)).map { try stream(at: $0) }
    }

    /// The best stream of `type` (av_find_best_stream).
    public func bestStream(_ type: MediaType) throws -> StreamInfo {
        let index = av_find_best_stream(pointer, type.av, -1, -1, nil, 0)
        guard index >= 0 else {
            throw LibAVError.failed("av_find_best_stream", AVErrorCode(rawValue: index), "\(source) (no \(type) stream)")
        }
        return try stream(at: index)
    }

    /// The best video stream.
    public func videoStream() throws -> StreamInfo { try bestStream(.video) }

    /// Reads the next packet into `packet` (which must be unreferenced).
    public func read(into packet: Packet) throws -> ReadStep {
        let code = av_read_frame(pointer, packet.pointer)
        if code >= 0 { return .packet }
        let error = AVErrorCode(rawValue: code)
        if error == .again { return .again }
        if error == .endOfFile { return .endOfStream }
        throw LibAVError.failed("av_read_frame", error, source)
    }
}
