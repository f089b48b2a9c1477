import CFFmpeg

/// The outcome of one send/receive step of libavcodec's API: EAGAIN and EOF are states of the
/// send/receive loop, not failures.
enum CodecStep: Equatable {
    case done
    /// EAGAIN: receive wants more input, or send wants the pending output drained first.
    case again
    /// EOF: the codec has been flushed and returns nothing more.
    case endOfStream
}

/// Owns one `AVCodecContext` (avcodec_alloc_context3 / avcodec_free_context), encoder or decoder.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let name: String

    private init(codec: UnsafePointer<AVCodec>) throws {
        name = String(cString: codec.pointee.name)
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError.libav("avcodec_alloc_context3", streamd_averror(ENOMEM), name)
        }
        pointer = context
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    static func encoder(named name: String) throws -> CodecContext {
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError.componentMissing(kind: "encoder", name: name)
        }
        return try CodecContext(codec: codec)
    }

    static func decoder(for parameters: UnsafePointer<AVCodecParameters>) throws -> CodecContext {
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = avcodec_get_name(parameters.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
            throw MediaError.componentMissing(kind: "decoder", name: name)
        }
        let context = try CodecContext(codec: codec)
        let code = avcodec_parameters_to_context(context.pointer, parameters)
        if code < 0 { throw MediaError.libav("avcodec_parameters_to_context", code, context.name) }
        return context
    }

    /// avcodec_open2 with `options`; fails if any option was not recognised.
    func open(options: [(String, String)] = []) throws {
        let dictionary = try OptionDictionary(options)
        let code = avcodec_open2(pointer, nil, &dictionary.pointer)
        if code < 0 { throw MediaError.libav("avcodec_open2", code, name) }
        try dictionary.requireAllConsumed(by: name)
    }

    /// Sends a frame to the encoder; nil starts the flush.
    func send(frame: Frame?) throws -> CodecStep {
        try step(avcodec_send_frame(pointer, frame?.pointer), "avcodec_send_frame")
    }

    /// Receives an encoded packet.
    func receive(packet: Packet) throws -> CodecStep {
        try step(avcodec_receive_packet(pointer, packet.pointer), "avcodec_receive_packet")
    }

    /// Sends a packet to the decoder; nil starts the flush.
    func send(packet: Packet?) throws -> CodecStep {
        try step(avcodec_send_packet(pointer, packet?.pointer), "avcodec_send_packet")
    }

    /// Receives a decoded frame.
    func receive(frame: Frame) throws -> CodecStep {
        try step(avcodec_receive_frame(pointer, frame.pointer), "avcodec_receive_frame")
    }

    private func step(_ code: Int32, _ call: String) throws -> CodecStep {
        if code >= 0 { return .done }
        if code == AVErrorText.again { return .again }
        if code == AVErrorText.eof { return .endOfStream }
        throw MediaError.libav(call, code, name)
    }
}
