import LibAV

/// The outcome of pulling one decoded frame from a source.
enum SourceStep: Equatable {
    case frame
    /// EAGAIN: a non-blocking camera has no frame ready yet.
    case again
    /// EOF: the source ended and the decoder is drained.
    case endOfStream
}

/// An opened input and its decoder: demux → decode, in the shape of FFmpeg's doc/examples.
/// `TestPatternSource` and `V4L2Source` open one; the pipeline treats both alike.
final class VideoSource {
    let input: InputFormatContext
    let decoder: CodecContext
    let streamIndex: Int32
    /// Time base of the decoded frames' timestamps.
    let timeBase: Rational
    /// "testsrc2" or "/dev/video0", for messages.
    let name: String
    /// Synthetic sources produce frames as fast as asked: the pipeline waits for each frame's time.
    let needsPacing: Bool
    /// Packets the decoder rejected as damaged (a camera's torn MJPEG frame), skipped.
    private(set) var damagedPackets = 0

    private let packet: Packet
    private var flushing = false

    init(input: InputFormatContext, name: String, needsPacing: Bool) throws {
        let stream = try input.videoStream()
        let decoder = try CodecContext.decoder(for: stream.parameters)
        decoder.packetTimeBase = stream.timeBase
        try decoder.open()
        self.input = input
        self.decoder = decoder
        self.streamIndex = stream.index
        self.timeBase = stream.timeBase
        self.name = name
        self.needsPacing = needsPacing
        self.packet = try Packet()
    }

    /// Decodes the next frame into `frame` (unreferenced by the caller after use).
    func nextFrame(into frame: Frame) throws -> SourceStep {
        while true {
            switch try decoder.receive(frame: frame) {
            case .done: return .frame
            case .endOfStream: return .endOfStream
            case .again: break
            }
            if flushing { return .endOfStream }
            switch try input.read(into: packet) {
            case .again:
                return .again
            case .endOfStream:
                flushing = true
                _ = try decoder.send(packet: nil)
            case .packet:
                defer { packet.unref() }
                guard packet.streamIndex == streamIndex else { continue }
                do {
                    _ = try decoder.send(packet: packet)
                } catch let error as LibAVError where error.code == .invalidData {
                    damagedPackets += 1
                }
            }
        }
    }

    /// Stops reading: the decoder hands out what it still holds, then `.endOfStream`.
    func beginDrain() throws {
        guard !flushing else { return }
        flushing = true
        _ = try decoder.send(packet: nil)
    }
}
