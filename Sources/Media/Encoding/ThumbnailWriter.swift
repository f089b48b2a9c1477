import Foundation
import LibAV

/// Writes one frame as a JPEG with libavcodec's mjpeg encoder. JPEG is full range, so the
/// video-range yuv420p picture is expanded to full range first (yuv420p tagged AVCOL_RANGE_JPEG,
/// rather than the deprecated yuvj420p); the file appears atomically.
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
        converted.pts = 0
        converted.isFullRange = true

        let encoder = try CodecContext.encoder(named: "mjpeg")
        encoder.width = width
        encoder.height = height
        encoder.pixelFormat = .yuv420p
        encoder.isFullRange = true
        encoder.timeBase = Rational(1, 25)
        encoder.setFixedQuantizer(3)
        try encoder.open()

        let packet = try Packet()
        var jpeg = Data()
        for input in [converted, nil] as [Frame?] {
            _ = try encoder.send(frame: input)
            while try encoder.receive(packet: packet) == .done {
                packet.withPayload { jpeg.append(contentsOf: $0) }
                packet.unref()
            }
        }
        guard !jpeg.isEmpty else {
            throw LibAVError.failed("avcodec_receive_packet", .endOfFile, "mjpeg (no picture for \(url.path))")
        }
        try AtomicFile.write(jpeg, to: url)
    }
}
