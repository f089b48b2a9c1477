import CFFmpeg

/// Owns one `AVPacket` (av_packet_alloc / av_packet_free), reused for every packet: `unref`
/// releases the payload after each use.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws {
        guard let packet = av_packet_alloc() else {
            throw MediaError.libav("av_packet_alloc", streamd_averror(ENOMEM), "a packet")
        }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    var streamIndex: Int32 { pointer.pointee.stream_index }
    var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    var isCorrupt: Bool { pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 }
    var size: Int { Int(pointer.pointee.size) }

    func unref() { av_packet_unref(pointer) }
}
