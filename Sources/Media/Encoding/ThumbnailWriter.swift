import Foundation
import LibAV

/// Writes pictures as JPEG with libavcodec's mjpeg encoder. JPEG is full range, so video-range
/// yuv420p is expanded to full range first (yuv420p tagged AVCOL_RANGE_JPEG, rather than the
/// deprecated yuvj420p); files appear atomically.
enum ThumbnailWriter {
    /// The poster every recording gets from its first keyframe.
    static let posterFileName = "poster.jpg"

    static func write(_ frame: Frame, to url: URL) throws {
        let width = frame.width, height = frame.height
        let converted = try Frame()
        try converted.allocateBuffers(width: width, height: height, format: .yuv420p)
        let scaler = try ScaleContext(
            from: .init(width: width, height: height, format: frame.pixelFormat),
            to: .init(width: width, height: height, format: .yuv420p, fullRange: true))
        try scaler.scale(frame, into: converted)
        converted.isFullRange = true
        try AtomicFile.write(try jpeg(converted, name: url.lastPathComponent), to: url)
    }

    /// The JPEG of a full-range yuv420p `picture`; `name` only for the error.
    static func jpeg(_ picture: Frame, name: String) throws -> Data {
        picture.pts = 0
        let encoder = try CodecContext.encoder(named: "mjpeg")
        encoder.width = picture.width
        encoder.height = picture.height
        encoder.pixelFormat = .yuv420p
        encoder.isFullRange = true
        encoder.timeBase = Rational(1, 25)
        encoder.threadCount = 1
        encoder.setFixedQuantizer(3)
        try encoder.open()

        let packet = try Packet()
        var jpeg = Data()
        for input in [picture, nil] as [Frame?] {
            _ = try encoder.send(frame: input)
            while try encoder.receive(packet: packet) == .done {
                packet.withPayload { jpeg.append(contentsOf: $0) }
                packet.unref()
            }
        }
        guard !jpeg.isEmpty else {
            throw LibAVError.failed("avcodec_receive_packet", .endOfFile, "mjpeg (no picture for \(name))")
        }
        return jpeg
    }
}
