import Foundation
import LibAV

/// One MPEG-TS segment file being written by libavformat's mpegts muxer: opened at a keyframe,
/// fed copied packets on the recording's 90 kHz timeline, closed (trailer, file closed) before
/// the playlist lists it. The muxer adds what the container needs (AUD, in-band parameter
/// sets, ADTS headers) and nothing else.
final class CopySegmentFile {
    /// The recording timeline's time base.
    static let timeBase = Rational(1, 90000)

    let name: String
    let url: URL
    private let output: OutputFormatContext
    private let videoIndex: Int32
    private let audioIndex: Int32?
    private let videoTimeBase: Rational
    private let audioTimeBase: Rational?

    init(directory: URL, name: String, video: CopyInputStream, audio: CopyInputStream?) throws {
        self.name = name
        url = directory.appendingPathComponent(name)
        let output = try OutputFormatContext(formatName: "mpegts", path: url.path)
        let videoIndex = try output.addStream(copying: video.parameters, timeBase: Self.timeBase, frameRate: video.frameRate)
        let audioIndex = try audio.map { try output.addStream(copying: $0.parameters, timeBase: Self.timeBase) }
        try output.writeHeader(options: [])
        videoTimeBase = try output.timeBase(ofStream: videoIndex)
        audioTimeBase = try audioIndex.map { try output.timeBase(ofStream: $0) }
        self.output = output
        self.videoIndex = videoIndex
        self.audioIndex = audioIndex
    }

    /// Writes `packet`, whose timestamps are on the 90 kHz timeline; the muxer takes its payload.
    func write(_ packet: Packet, video: Bool) throws {
        if video {
            packet.streamIndex = videoIndex
            packet.rescaleTimestamps(from: Self.timeBase, to: videoTimeBase)
        } else if let audioIndex, let audioTimeBase {
            packet.streamIndex = audioIndex
            packet.rescaleTimestamps(from: Self.timeBase, to: audioTimeBase)
        } else {
            return
        }
        try output.write(packet)
    }

    /// Flushes the interleaving queue, writes the trailer and closes the file.
    func close() throws {
        try output.writeTrailer()
    }
}
