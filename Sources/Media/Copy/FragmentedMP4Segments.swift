import Foundation
import LibAV

/// One fragmented MP4 for the whole recording: `init.mp4` (ftyp + moov) written with the
/// header, then each segment one fragment (moof + mdat, self-contained offsets) in its own
/// `.m4s` file. The mp4 muxer converts Annex-B to length-prefixed samples itself. Timestamps
/// stay continuous across a returning source (the segmenter's timeline), and the codec
/// parameters of the first connection are kept: a source that comes back with another
/// resolution would need a new init segment, which this does not write.
final class FragmentedMP4Segments: CopySegmentOutput {
    static let initName = "init.mp4"

    private let directory: URL
    private var output: OutputFormatContext?
    private var videoIndex: Int32 = 0
    private var audioIndex: Int32?
    private var videoTimeBase = CopySegmentFile.timeBase
    private var audioTimeBase: Rational?
    private var segmentOpen = false

    init(directory: URL) {
        self.directory = directory
    }

    var initSegmentName: String? { output == nil ? nil : Self.initName }
    var segmentExtension: String { "m4s" }

    func beginSegment(named name: String, video: CopyInputStream, audio: CopyInputStream?) throws {
        let output = try self.output ?? makeOutput(video: video, audio: audio)
        try output.redirect(toFile: directory.appendingPathComponent(name).path)
        segmentOpen = true
    }

    func write(_ packet: Packet, video: Bool) throws {
        guard let output, segmentOpen else { return }
        if video {
            packet.streamIndex = videoIndex
            packet.rescaleTimestamps(from: CopySegmentFile.timeBase, to: videoTimeBase)
        } else if let audioIndex, let audioTimeBase {
            // MP4 carries raw AAC frames (the AudioSpecificConfig is in init.mp4): ADTS headers go.
            let frame = try AACConfig.withoutADTSHeader(packet)
            frame.streamIndex = audioIndex
            frame.rescaleTimestamps(from: CopySegmentFile.timeBase, to: audioTimeBase)
            try output.writeUninterleaved(frame)
            return
        } else {
            return
        }
        try output.writeUninterleaved(packet)
    }

    func endSegment() throws {
        guard let output, segmentOpen else { return }
        segmentOpen = false
        try output.flushFragment()
        try output.closeFile()
    }

    func finish() throws {
        guard let output else { return }
        self.output = nil
        try output.writeTrailerDiscardingOutput()
    }

    /// The muxer, its header written into init.mp4.
    private func makeOutput(video: CopyInputStream, audio: CopyInputStream?) throws -> OutputFormatContext {
        let output = try OutputFormatContext(formatName: "mp4", path: directory.appendingPathComponent(Self.initName).path)
        videoIndex = try output.addStream(copying: video.parameters, timeBase: CopySegmentFile.timeBase, frameRate: video.frameRate)
        audioIndex = try audio.map { audio in
            let parameters = try audio.parameters.copy()
            if parameters.extradata.isEmpty { try parameters.setExtradata(AACConfig.audioSpecificConfig(for: parameters)) }
            return try output.addStream(copying: parameters, timeBase: Rational(1, max(1, parameters.sampleRate)))
        }
        try output.writeHeader(options: [("movflags", "frag_custom+empty_moov+default_base_moof+skip_trailer")])
        videoTimeBase = try output.timeBase(ofStream: videoIndex)
        audioTimeBase = try audioIndex.map { try output.timeBase(ofStream: $0) }
        // init.mp4 is complete once its file is closed: the first segment's redirect does that.
        self.output = output
        return output
    }
}
