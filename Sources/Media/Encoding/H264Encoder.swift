import LibAV

/// libx264 through libavcodec: yuv420p at a constant frame rate, one GOP per HLS segment, no
/// scene-cut keyframes, so every segment starts with an IDR frame and cuts land exactly.
final class H264Encoder {
    let context: CodecContext
    /// 1/fps: a frame's pts is its frame number.
    let timeBase: Rational
    private let packet: Packet

    init(width: Int, height: Int, fps: Int, framesPerSegment: Int,
         settings: EncoderSettings, globalHeader: Bool) throws {
        let context = try CodecContext.encoder(named: "libx264")
        context.width = Int32(width)
        context.height = Int32(height)
        context.pixelFormat = .yuv420p
        context.timeBase = Rational(1, Int32(fps))
        context.frameRate = Rational(Int32(fps), 1)
        context.keyframeInterval = Int32(framesPerSegment)
        context.minimumKeyframeInterval = Int32(framesPerSegment)
        context.maxBFrames = 0
        context.threadCount = Int32(settings.threads)
        context.usesGlobalHeader = globalHeader
        try context.open(options: [
            ("preset", settings.preset),
            ("tune", settings.tune),
            ("crf", String(settings.crf)),
            ("sc_threshold", "0"),
            ("forced-idr", "1"),
        ])
        self.context = context
        self.timeBase = context.timeBase
        self.packet = try Packet()
    }

    /// Sends `frame` (nil flushes) and hands every packet the encoder returns to `sink`. The
    /// packet is reused: `sink` must consume or copy it before returning.
    func encode(_ frame: Frame?, _ sink: (Packet) throws -> Void) throws {
        while try context.send(frame: frame) == .again {
            // The encoder wants its output drained before it takes more input.
            if try drain(sink) == 0 {
                throw LibAVError.failed("avcodec_send_frame", .again, context.name)
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
