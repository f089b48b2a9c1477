import LibAV

/// Decodes a copied stream's pictures for the frame analysis, and only as many as asked: single
/// keyframes (each decoded on its own, then the decoder reset), or every packet with the loop
/// filter skipped (cheaper, and the pictures only feed a 64x36 comparison and 160-pixel tiles).
final class CopyPictureDecoder {
    private let decoder: CodecContext
    private let frame: Frame
    private let packet: Packet

    init(parameters: CodecParameters, timeBase: Rational, allFrames: Bool) throws {
        decoder = try CodecContext.decoder(for: parameters)
        decoder.threadCount = 1
        decoder.packetTimeBase = timeBase
        try decoder.open(options: allFrames ? [("skip_loop_filter", "all")] : [])
        frame = try Frame()
        packet = try Packet()
    }

    /// The picture of one keyframe (`keyframe` is not consumed), valid until the next call.
    func decodeKeyframe(_ keyframe: Packet) throws -> Frame? {
        frame.unref()
        try packet.reference(keyframe)
        defer {
            packet.unref()
            decoder.flushBuffers()
        }
        _ = try decoder.send(packet: packet)
        _ = try decoder.send(packet: nil)
        return try decoder.receive(frame: frame) == .done ? frame : nil
    }

    /// Feeds one packet of the stream (not consumed) and hands each picture that comes out to
    /// `body`; damaged input is skipped, not thrown.
    func decode(_ input: Packet, _ body: (Frame) throws -> Void) throws {
        try packet.reference(input)
        defer { packet.unref() }
        do {
            _ = try decoder.send(packet: packet)
        } catch let error as LibAVError where error.code == .invalidData {
            return
        }
        while true {
            frame.unref()
            guard try decoder.receive(frame: frame) == .done else { return }
            try body(frame)
        }
    }
}
