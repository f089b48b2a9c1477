import Foundation
import LibAV
import Logging

/// Feeds an opened libavformat input into the segmenter: the best H.264/H.265 video stream and
/// the best AAC audio stream are copied, everything else is left out.
final class DemuxCopier {
    /// Why a run of reading ended.
    enum Ending: Equatable {
        case outcome(PipelineOutcome)
        case endOfStream
        /// Reading failed (a lost connection, a stall): the source may come back.
        case lost(reason: String)
    }

    let input: InputFormatContext
    let video: StreamInfo
    let audio: StreamInfo?

    static let copyableVideo: Set<CodecID> = [.h264, .hevc]

    /// Whether `input`'s video can be copied (else it must be transcoded).
    static func canCopy(_ input: InputFormatContext) throws -> Bool {
        copyableVideo.contains(try input.videoStream().parameters.codecID)
    }

    init(input: InputFormatContext, logger: Logger) throws {
        self.input = input
        video = try input.videoStream()
        guard Self.copyableVideo.contains(video.parameters.codecID) else {
            throw MediaError.invalidSpec(reason: "the video of \(input.source) is \(video.parameters.codecID), which cannot be copied into HLS (H.264 or H.265 can)")
        }
        let audioStream: StreamInfo?
        do {
            audioStream = try input.bestStream(.audio)
        } catch {
            audioStream = nil
        }
        if let audioStream, audioStream.parameters.codecID != .aac {
            logger.info("the source's audio is not AAC and is not recorded", metadata: ["codec": "\(audioStream.parameters.codecID)"])
            audio = nil
        } else {
            audio = audioStream
        }
    }

    /// Reads until the end of the stream, `shouldStop`, or the recording has its media.
    /// `onPacket` is told of every packet read (the stall watchdog).
    func copy(into segmenter: CopySegmenter, discontinuity: Bool, shouldStop: () -> Bool,
              onPacket: () -> Void = {}) throws -> Ending {
        try segmenter.beginRun(
            video: CopyInputStream(parameters: video.parameters, timeBase: video.timeBase,
                                   frameRate: video.averageFrameRate.isValid ? video.averageFrameRate : nil),
            audio: audio.map { CopyInputStream(parameters: $0.parameters, timeBase: $0.timeBase, frameRate: nil) },
            discontinuity: discontinuity)
        let packet = try Packet()
        while !shouldStop() {
            let step: ReadStep
            do {
                step = try input.read(into: packet)
            } catch {
                return .lost(reason: "\(error)")
            }
            switch step {
            case .endOfStream:
                return .endOfStream
            case .again:
                continue
            case .packet:
                defer { packet.unref() }
                // Interrupted by a stop, av_read_frame flushes its parser: what comes back then is the
                // tail of an unfinished access unit (often no picture at all), which no player can decode.
                if shouldStop() { return .outcome(.stopped) }
                onPacket()
                let isVideo = packet.streamIndex == video.index
                guard isVideo || packet.streamIndex == audio?.index else { continue }
                if let end = try segmenter.write(packet, isVideo: isVideo) { return .outcome(end) }
            }
        }
        return .outcome(.stopped)
    }
}
