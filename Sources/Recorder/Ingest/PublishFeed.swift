import Media
import RTSPServer

/// The sink of one accepted RTSP publisher: its access units go into the session's stream-copy
/// recording, and its departure goes back to the session manager. Called on a NIO event loop, so
/// it only hands work over (`AccessUnitRecording.feed` never blocks).
final class PublishFeed: PublishSink {
    private let recording: AccessUnitRecording
    /// Announced track index → the recording's stream index; tracks not recorded are absent.
    private let streamIndexByTrack: [Int: Int]
    private let audioStreams: Set<Int>
    private let onLeave: @Sendable (PublisherExit) -> Void

    init(recording: AccessUnitRecording, streamIndexByTrack: [Int: Int], audioStreams: Set<Int>,
         onLeave: @escaping @Sendable (PublisherExit) -> Void) {
        self.recording = recording
        self.streamIndexByTrack = streamIndexByTrack
        self.audioStreams = audioStreams
        self.onLeave = onLeave
    }

    func receive(_ unit: AccessUnit) {
        guard let stream = streamIndexByTrack[unit.trackIndex] else { return }
        if audioStreams.contains(stream) {
            recording.feed(CopyAccessUnit(streamIndex: stream, timestamp: unit.timestamp, isKeyframe: true, payload: unit.payload))
        } else {
            recording.feed(CopyAccessUnit(streamIndex: stream, timestamp: unit.timestamp, isKeyframe: unit.isKeyframe, nalUnits: unit.nalUnits))
        }
    }

    func publisherLeft(reason: PublisherExit) {
        onLeave(reason)
    }
}

/// What of an announcement is recorded: the first H.264/H.265 track and the first AAC track.
struct PublishedStreams {
    var streams: [CopyStreamInfo] = []
    var streamIndexByTrack: [Int: Int] = [:]
    var audioStreams: Set<Int> = []

    init(_ tracks: [PublishTrack]) {
        if let video = tracks.first(where: { $0.codec.isVideo }) {
            let codec: CopyStreamInfo.Codec = video.codec == .h265 ? .hevc : .h264
            streamIndexByTrack[video.index] = streams.count
            streams.append(CopyStreamInfo(codec: codec, parameterSets: video.parameterSets, clockRate: Int32(video.clockRate)))
        }
        if let audio = tracks.first(where: { $0.codec == .aac }), let config = audio.audioSpecificConfig {
            streamIndexByTrack[audio.index] = streams.count
            audioStreams.insert(streams.count)
            streams.append(.aac(config: config, sampleRate: Int32(audio.clockRate), channels: Int32(audio.channels ?? 2)))
        }
    }

    /// The same mapping for a publisher that came back: its tracks matched to the recording's
    /// streams by codec, since the recording's streams were fixed by the first publisher.
    init(_ tracks: [PublishTrack], matching recorded: [CopyStreamInfo]) {
        streams = recorded
        for (index, stream) in recorded.enumerated() {
            let wanted: RTSPCodec = switch stream.codec {
            case .h264: .h264
            case .hevc: .h265
            case .aac: .aac
            }
            if let track = tracks.first(where: { $0.codec == wanted }) {
                streamIndexByTrack[track.index] = index
                if stream.codec == .aac { audioStreams.insert(index) }
            }
        }
    }
}
