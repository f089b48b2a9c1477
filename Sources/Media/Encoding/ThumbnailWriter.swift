import CFFmpeg
import Foundation

/// Writes one frame as a JPEG with libavcodec's mjpeg encoder. JPEG is full range, so the
/// video-range yuv420p picture is expanded to full range first (yuv420p tagged AVCOL_RANGE_JPEG,
/// rather than the deprecated yuvj420p); the file appears atomically.
enum ThumbnailWriter {
    static func write(_ frame: Frame, to url: URL) throws {
        let width = frame.width, height = frame.height
        let converted = try Frame()
        try converted.allocateBuffers(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        let scaler = try ScaleContext(
            from: .init(width: width, height: height, format: frame.pixelFormat),
            to: .init(width: width, height: height, format: AV_PIX_FMT_YUV420P, fullRange: true))
        try scaler.scale(frame, into: converted)
        converted.pointer.pointee.pts = 0
        converted.pointer.pointee.color_range = AVCOL_RANGE_JPEG

        let encoder = try CodecContext.encoder(named: "mjpeg")
        encoder.pointer.pointee.width = width
        encoder.pointer.pointee.height = height
        encoder.pointer.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        encoder.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        encoder.pointer.pointee.time_base = AVRational(num: 1, den: 25)
        encoder.pointer.pointee.flags |= AV_CODEC_FLAG_QSCALE
        encoder.pointer.pointee.global_quality = 3 * FF_QP2LAMBDA
        try encoder.open()

        let packet = try Packet()
        var jpeg = Data()
        for input in [converted, nil] as [Frame?] {
            _ = try encoder.send(frame: input)
            while try encoder.receive(packet: packet) == .done {
                if let data = packet.pointer.pointee.data {
                    jpeg.append(data, count: packet.size)
                }
                packet.unref()
            }
        }
        guard !jpeg.isEmpty else {
            throw MediaError.libav("avcodec_receive_packet", AVErrorText.eof, "mjpeg (no picture for \(url.path))")
        }
        try AtomicFile.write(jpeg, to: url)
    }
}
