import CFFmpeg

/// The outcome of one send/receive step of libavcodec's API: EAGAIN and EOF are states of the
/// send/receive loop, not failures.
public enum CodecStep: Equatable, Sendable {
    case done
    /// EAGAIN: receive wants more input, or send wants the pending output drained first.
    case again
    /// EOF: the codec has been flushed and returns nothing more.
    case endOfStream
}

/// Owns one `AVCodecContext` (avcodec_alloc_context3 / avcodec_free_context), encoder or decoder.
/// Set it up through the typed properties (CodecContext+Settings) before `open`.
public final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    public let name: String

    private init(codec: UnsafePointer<AVCodec>) throws {
        name = String(cString: codec.pointee.name)
        guard let context = avcodec_alloc_context3(codec) else {
            throw LibAVError.failed("avcodec_alloc_context3", .outOfMemory, name)
        }
        pointer = context
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    public static func encoder(named name: String) throws -> CodecContext {
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw LibAVError.componentMissing(kind: "encoder", name: name)
        }
        return try CodecContext(codec: codec)
    }

    /// A decoder for what `parameters` describe, set up from them (not yet opened).
    public static func decoder(for parameters: CodecParameters) throws -> CodecContext {
        guard let codec = avcodec_find_decoder(parameters.pointer.pointee.codec_id) else {
            throw LibAVError.componentMissing(kind: "decoder", name: parameters.codecID.description)
        }
        let context = try CodecContext(codec: codec)
        let code = avcodec_parameters_to_context(context.pointer, parameters.pointer)
        if code < 0 { throw LibAVError.failed("avcodec_parameters_to_context", AVErrorCode(rawValue: code), context.name) }
        return context
    }

    /// avcodec_open2 with `options`; fails if any option was not recognised.
    public func open(options: [(String, String)] = []) throws {
        let dictionary = try OptionDictionary(options)
        let code = avcodec_open2(pointer, nil, &dictionary.pointer)
        if code < 0 { throw LibAVError.failed("avcodec_open2", AVErrorCode(rawValue: code), name) }
        try dictionary.requireAllConsumed(by: name)
    }

    /// Sends a frame to the encoder; nil starts the flush.
    public func send(frame: Frame?) throws -> CodecStep {
        try step(avcodec_send_frame(pointer, frame?.pointer), "avcodec_send_frame")
    }

    /// Receives an encoded packet.
    public func receive(packet: Packet) throws -> CodecStep {
        try step(avcodec_receive_packet(pointer, packet.pointer), "avcodec_receive_packet")
    }

    /// Sends a packet to the decoder; nil starts the flush.
    public func send(packet: Packet?) throws -> CodecStep {
        try step(avcodec_send_packet(pointer, packet?.pointer), "avcodec_send_packet")
    }

    /// Receives a decoded frame.
    public func receive(frame: Frame) throws -> CodecStep {
        try step(avcodec_receive_frame(pointer, frame.pointer), "avcodec_receive_frame")
    }

    /// avcodec_flush_buffers: drops what a decoder holds and leaves draining, so it takes new
    /// packets after a flush with nil.
    public func flushBuffers() { avcodec_flush_buffers(pointer) }

    private func step(_ code: Int32, _ call: String) throws -> CodecStep {
        if code >= 0 { return .done }
        let error = AVErrorCode(rawValue: code)
        if error == .again { return .again }
        if error == .endOfFile { return .endOfStream }
        throw LibAVError.failed(call, error, name)
    }
}
