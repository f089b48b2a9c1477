import LibAV
import Logging

/// Records a source whose video cannot be copied (MJPEG over HTTP, …): decode, bring to yuv420p,
/// encode with the capture path's H.264 encoder, then into the same segmenter. Frames are timed
/// by their arrival (such sources rarely carry usable timestamps). Audio is not recorded.
final class PullTranscoder {
    private let input: InputFormatContext
    private let stream: StreamInfo
    private let decoder: CodecContext
    private let converter: FrameConverter
    private let encoder: H264Encoder
    private let fps: Int
    private let decoded: Frame
    private let packet: Packet

    init(input: InputFormatContext, spec: PullSpec) throws {
        self.input = input
        stream = try input.videoStream()
        decoder = try CodecContext.decoder(for: stream.parameters)
        decoder.packetTimeBase = stream.timeBase
        try decoder.open()
        let rate = stream.averageFrameRate
        fps = rate.isValid ? max(1, min(60, Int(rate.doubleValue.rounded()))) : 25
        let width = Int(stream.parameters.width) & ~1, height = Int(stream.parameters.height) & ~1
        guard width >= 16, height >= 16 else {
            throw MediaError.invalidSpec(reason: "the source's picture size \(stream.parameters.width)x\(stream.parameters.height) is unknown or too small")
        }
        converter = FrameConverter(width: width, height: height)
        encoder = try H264Encoder(width: width, height: height, fps: fps,
                                  framesPerSegment: max(1, Int((Double(fps) * spec.recording.segmentSeconds).rounded())),
                                  settings: spec.encoder, globalHeader: spec.recording.segmentFormat == .fmp4)
        decoded = try Frame()
        packet = try Packet()
    }

    func copy(into segmenter: CopySegmenter, discontinuity: Bool, control: PullControl) throws -> DemuxCopier.Ending {
        segmenter.transcoded = true
        try segmenter.beginRun(
            video: CopyInputStream(parameters: try CodecParameters(encoder: encoder.context), timeBase: encoder.timeBase,
                                   frameRate: Rational(Int32(fps), 1)),
            audio: nil, discontinuity: discontinuity)
        let start = MonotonicClock.nanoseconds()
        var lastPts: Int64 = -1
        var outcome: PipelineOutcome?
        let sink: (Packet) throws -> Void = { encoded in
            guard outcome == nil else { return }
            outcome = try segmenter.write(encoded, isVideo: true)
        }
        var ending: DemuxCopier.Ending = .outcome(.stopped)
        reading: while !control.isStopRequested {
            if let outcome {
                ending = .outcome(outcome)
                break
            }
            let step: ReadStep
            do {
                step = try input.read(into: packet)
            } catch {
                ending = .lost(reason: "\(error)")
                break
            }
            switch step {
            case .again: continue reading
            case .endOfStream:
                ending = .endOfStream
                break reading
            case .packet: break
            }
            defer { packet.unref() }
            control.notePacket()
            guard packet.streamIndex == stream.index else { continue }
            do {
                _ = try decoder.send(packet: packet)
            } catch let error as LibAVError where error.code == .invalidData {
                continue
            }
            while try decoder.receive(frame: decoded) == .done {
                defer { decoded.unref() }
                let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
                let pts = max(lastPts + 1, Int64((elapsed * Double(fps)).rounded()))
                lastPts = pts
                let picture = try converter.convert(decoded)
                picture.pts = pts
                picture.forcesKeyframe = false
                try encoder.encode(picture, sink)
            }
        }
        // What the encoder still holds belongs to this connection's last segment.
        try encoder.encode(nil, sink)
        if let outcome { return .outcome(outcome) }
        return ending
    }
}
