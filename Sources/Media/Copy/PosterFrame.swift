import Foundation
import LibAV

/// Decodes one keyframe of a copied stream: its picture becomes the poster, its size the
/// stream's size (an RTSP publisher's SDP does not state it).
enum PosterFrame {
    /// The decoded picture of `keyframe` (a packet in the stream's time base, not consumed).
    static func decode(_ keyframe: Packet, parameters: CodecParameters) throws -> Frame {
        let decoder = try CodecContext.decoder(for: parameters)
        decoder.threadCount = 1
        try decoder.open()
        let copy = try Packet()
        try copy.reference(keyframe)
        let frame = try Frame()
        _ = try decoder.send(packet: copy)
        _ = try decoder.send(packet: nil)
        while true {
            switch try decoder.receive(frame: frame) {
            case .done: return frame
            case .again, .endOfStream:
                throw LibAVError.failed("avcodec_receive_frame", .endOfFile, "\(parameters.codecID) keyframe (no picture)")
            }
        }
    }
}
