import CFFmpeg

/// libx264 through libavcodec: yuv420p at a constant frame rate, one GOP per HLS segment, no
/// scene-cut keyframes, so every segment starts with an IDR frame and cuts land exactly.
final class H264Encoder {
    let context: CodecContext
    /// 1/fps: a frame's pts is its frame number.
    let timeBase: AVRational
    private let packet: Packet

    init(width: Int, height: Int, fps: Int, framesPerSegment: Int,
         settings: EncoderSettings, globalHeader: Bool) throws {
        let context = try CodecContext.encoder(named: "libx264")
        let codec = context.pointer
        codec.pointee.width = Int32(width)
        codec.pointee.height = Int32(height)
        codec.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        codec.pointee.time_base = AVRational(num: 1, den: Int32(fps))
        codec.pointee.framerate = AVRational(num: Int32(fps), den: 1)
        codec.pointee.gop_size = Int32(framesPerSegment)
        codec.pointee.keyint_min = Int32(framesPerSegment)
        codec.pointee.max_b_frames = 0
        codec.pointee.thread_count = Int32(settings.threads)
        if globalHeader { codec.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try context.open(options: [
            ("preset", settings.preset),
            ("tune", settings.tune),
            ("crf", String(settings.crf)),
            ("sc_threshold", "0"),
            ("forced-idr", "1"),
        ])
        self.context = context
        self.timeBase = codec.pointee.time_base
        self.packet = try Packet()
    }

    /// Sends `frame` (nil flushes) and hands every packet the encoder returns to `sink`. The
    /// packet is reused: `sink` must consume or copy it before returning.
    func encode(_ frame: Frame?, _ sink: (Packet) throws -> Void) throws {
        while try context.send(frame: frame) == .again {
            // The encoder wants its output drained before it takes more input.
            if try drain(sink) == 0 {
                throw MediaError.libav("avcodec_send_frame", AVErrorText.again, context.name)
            }
        }
        _ = try drain(sink)
    }

    private func drain(_ sink: (Packet) throws -> Void) throws -> Int {
        var count = 0
        while true {
            switch try context.receive(packet: packet) {
            case .done:
                defer { packet.unref() }
                try sink(packet)
                count += 1
            case .again, .endOfStream:
                return count
            }
        }
    }
}
